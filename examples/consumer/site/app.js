fetch('/api/hello').then((r) => r.text()).then((t) => { document.querySelector('h1').textContent = t; });
