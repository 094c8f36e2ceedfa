# gunicorn settings for the hello service (read with: gunicorn -c gunicorn.conf.py hello:app).
# The root filesystem is read-only in the pod: heartbeat files go to the /tmp emptyDir.
bind = "0.0.0.0:5000"
workers = 2
worker_tmp_dir = "/tmp"
# Longer than nginx's keepalive to the app is not needed; nginx reuses idle connections for 60 s.
keepalive = 75
accesslog = "-"
