// Fetches the hello API through the sidecar (nginx proxies /api/ to gunicorn) and shows its message.
(function () {
  'use strict';
  var target = document.getElementById('message');

  fetch('/api/', { headers: { Accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('the API answered ' + response.status);
      }
      return response.json();
    })
    .then(function (body) {
      target.textContent = body.message;
    })
    .catch(function (error) {
      target.textContent = 'Could not load the message: ' + error.message;
      target.className = 'error';
    });
})();
