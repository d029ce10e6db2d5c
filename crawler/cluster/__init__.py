"""Several workers share one crawl through Redis (``-s REDIS_URL=redis://...``).

``addon.ClusterAddon`` (listed in ``ADDONS``) switches it on when ``REDIS_URL`` is set, and does
nothing otherwise: scrapy-redis's scheduler and duplicate filter (requests as JSON, never
pickles; fingerprints on canonical URLs), the state in the same Redis, a worker that seeds,
joins and stops by itself, and one set of written articles for all workers. The password
(from the URL or ``REDIS_PASSWORD``) never reaches a log.
"""

