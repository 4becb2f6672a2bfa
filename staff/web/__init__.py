"""The staff web view: server-rendered pages behind a session login (see page.py for the edge)."""
