// A lightweight AlertManager UI served by the nginx sidecar in place of the bundled /script.js.
// AlertManager's index.html loads script.js and calls Elm.Main.init(...), then subscribes to a few
// ports; this file provides that same surface, so the stock index.html keeps working. It lists the
// active alerts from /api/v2/alerts (proxied by the sidecar, never cached) and refreshes them.
(function (global) {
  'use strict';

  var REFRESH_MS = 15000;

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) {
      el.className = className;
    }
    return el;
  }

  function render(root, alerts) {
    root.replaceChildren();
    root.appendChild(text('h1', 'Alerts'));
    if (alerts.length === 0) {
      root.appendChild(text('p', 'No active alerts.', 'empty'));
      return;
    }
    var list = document.createElement('ul');
    list.className = 'alerts';
    alerts.forEach(function (alert) {
      var labels = alert.labels || {};
      var item = document.createElement('li');
      item.appendChild(text('strong', labels.alertname || '(no alertname)'));
      var rest = Object.keys(labels).filter(function (k) { return k !== 'alertname'; }).sort()
        .map(function (k) { return k + '=' + labels[k]; }).join(', ');
      if (rest) {
        item.appendChild(text('span', ' ' + rest, 'labels'));
      }
      list.appendChild(item);
    });
    root.appendChild(list);
  }

  function load(root) {
    return fetch('api/v2/alerts', { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('AlertManager answered ' + response.status);
        }
        return response.json();
      })
      .then(function (alerts) { render(root, alerts); })
      .catch(function (error) {
        root.replaceChildren(text('p', 'Could not load alerts: ' + error.message, 'error'));
      });
  }

  function noopPort() {
    return { subscribe: function () {}, send: function () {} };
  }

  global.Elm = {
    Main: {
      init: function (options) {
        var root = (options && options.node) || document.body.appendChild(document.createElement('main'));
        load(root);
        setInterval(function () { load(root); }, REFRESH_MS);
        return {
          ports: {
            persistDefaultCreator: noopPort(),
            persistGroupExpandAll: noopPort(),
            persistFirstDayOfWeek: noopPort(),
          },
        };
      },
    },
  };
})(window);
