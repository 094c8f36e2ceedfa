"""The hello service: one JSON endpoint, served by gunicorn behind the nginx sidecar.

nginx strips the /api/ prefix, so this app answers at its own root.
"""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def hello():
    return jsonify(message="Hello World!")


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
