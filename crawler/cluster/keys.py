"""The Redis keys the cluster shares; every one starts with ``portal:``."""

PREFIX = "portal"
QUEUE_KEY = f"{PREFIX}:requests"
DUPEFILTER_KEY = f"{PREFIX}:dupefilter"
EMITTED_KEY = f"{PREFIX}:emitted"
WORKER_KEY = f"{PREFIX}:worker:"
LOCK_KEY = f"{PREFIX}:lock"
#: Exists while some worker has fetched a page within ``CLUSTER_IDLE_SECONDS``: its pages may
#: still put work on the queue.
FETCHING_KEY = f"{PREFIX}:fetching"
