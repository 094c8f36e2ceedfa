# gunicorn settings for the hello service (read with: gunicorn -c gunicorn.conf.py hello:app).
# The root filesystem is read-only in the pod: heartbeat files go to the /tmp emptyDir.
bind = "0.0.0.0:5000"
workers = 2
# Threaded workers keep connections open (the sync worker closes each one), so the sidecar's
# upstream keepalive is used.
worker_class = "gthread"
threads = 4
worker_tmp_dir = "/tmp"
# Longer than nginx keeps an idle upstream connection (60 s), so nginx always closes first.
keepalive = 75
accesslog = "-"
