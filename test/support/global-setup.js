module.exports = require('./run-tmpdir').setup;
