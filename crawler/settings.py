"""Project settings: only what differs from Scrapy's defaults, grouped, each with its reason.

Every one can be overridden from the command line (``-s NAME=VALUE``).
"""

BOT_NAME = "portal-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` checks its input first and exits with a code that says how the run ended.
COMMANDS_MODULE = "crawler.commands"
# Several machines, one crawl: on with REDIS_URL, else it changes nothing (crawler/cluster/).
ADDONS = {"crawler.cluster.addon.ClusterAddon": 0,
          # The requests still to make, on disk: flat memory however large the portal.
          "crawler.frontier.DiskFrontierAddon": 10}

# --- Politeness: a government portal is a shared public resource -------------------------
USER_AGENT = "portal-crawler/0.1 (+https://pypi.org/project/scrapy/; news archive crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- Failures: retry what may pass later, with backoff; give up on the rest --------------
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOADER_MIDDLEWARES = {
    # Backoff between retries and Retry-After (replaces the immediate built-in retry).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry.BackoffRetryMiddleware": 550,
    # Replay and record sit next to the network, under redirects and decompression.
    "crawler.middlewares.replay.ReplayMiddleware": 950,
    "crawler.middlewares.replay.RecordMiddleware": 951,
    # Only http(s); no loopback or private address unless the crawl starts on one.
    "crawler.middlewares.safety.SafetyMiddleware": 40,
    # Just below Scrapy's robots middleware (100): the spider's robots.txt request (for its
    # Sitemap: lines) is answered with the response Scrapy's own fetch got.
    "crawler.middlewares.robots.RobotsTxtOnceMiddleware": 110,
    # Across runs: written articles and dead pages are not fetched again (needs STATE_URI).
    # Above RedirectMiddleware (600) so that it sees redirects, and 404s, as served.
    "crawler.state.middleware.StateMiddleware": 650,
}
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubled each time
RETRY_BACKOFF_MAX = 60.0  # cap, including a server's Retry-After
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # after decompression; a news page is well under 1 MiB
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
HTTPERROR_ALLOWED_CODES: list[int] = []

# --- Operations: no listening ports, bounded memory --------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 2048
DNS_TIMEOUT = 20
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# Requests seen, in a temporary file (crawler/seen.py), and the queue on disk
# (crawler/frontier.py): memory stays flat as the portal grows.
DUPEFILTER_CLASS = "crawler.seen.DiskDupeFilter"
FRONTIER_ON_DISK = True

# --- Identity: the same page by several URLs is fetched once -----------------------------
REQUEST_FINGERPRINTER_CLASS = "crawler.middlewares.fingerprint.CanonicalUrlFingerprinter"

# --- The crawl policy of the portal spider ------------------------------------------------
PORTAL_OTHER_PAGES = 200  # pages that are neither article nor list, per crawl
PORTAL_OTHER_DEPTH = 1  # links followed from a page that is neither article nor list
PORTAL_QUERY_VARIANTS = 20  # distinct query strings followed per path (calendars, search)
PORTAL_MAX_SPLIT_PAGES = 50  # pages of one 分页 article
PORTAL_MAX_PAGE_BYTES = 4 * 1024 * 1024  # a bigger page is parsed up to this many bytes
PORTAL_SITEMAPS = True  # read robots.txt Sitemap: lines (else /sitemap.xml) for articles
PORTAL_FEEDS = True  # read RSS/Atom feeds pages declare, and /rss.xml and /feed
PORTAL_MAX_SITEMAPS = 1000  # sitemap files followed from indexes, per crawl

# --- Records -------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawler.pipelines.ParagraphDedupPipeline": 100,
    "crawler.pipelines.DateNormalizationPipeline": 200,
    "crawler.pipelines.ValidationPipeline": 300,
    "crawler.pipelines.ExtractionLayerPipeline": 350,
    "crawler.pipelines.DateWindowPipeline": 380,  # with -a since= / -a until=
    "crawler.pipelines.UniqueArticlePipeline": 400,
    "crawler.state.pipeline.StatePipeline": 500,  # needs STATE_URI
}
EXTENSIONS = {
    "crawler.state.extension.StateExtension": 500,  # needs STATE_URI
    # JOBDIR holds only the frontier (crawler/frontier.py): no spider.state to keep.
    "scrapy.extensions.spiderstate.SpiderState": None,
}
FEED_STORAGES = {"": "crawler.feeds.AtomicFileFeedStorage",
                 "file": "crawler.feeds.AtomicFileFeedStorage"}
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = None  # the Article dataclass fixes field order
# Without -o/-O, each run writes output/<spider>-<UTC start time>.jsonl (see README).
PORTAL_DEFAULT_FEED = "output/%(name)s-%(time)s.jsonl"

# --- State across runs (see README, "Incremental runs") ------------------------------------
STATE_URI = ""  # a SQLite file; unset: every run starts afresh. The cron command sets it.
STATE_LOCK_TIMEOUT = 10.0  # seconds to wait for a state file another process holds
RECHECK_DAYS = 0  # re-fetch articles published in the last N days; write them if changed
STATE_DEAD_RECHECK_DAYS = 7  # a 404/410/deleted page is tried again after this (doubling)
STATE_OTHER_RECHECK_HOURS = 24  # a page with neither articles nor a list, likewise
STATE_DROPPED_RECHECK_HOURS = 24  # a page whose record was dropped (no title or body)

# --- Several machines, one crawl (see README, "Running a cluster") --------------------------
REDIS_URL = ""  # redis://[:password@]host:port/db shares queue, duplicate filter and state
CLUSTER_IDLE_SECONDS = 30  # a worker exits once the queue is empty and no worker fetched, this long
CLUSTER_PRESENCE_SECONDS = 30  # a killed worker counts as gone this long after its last sign

# --- Replay and record (see README) --------------------------------------------------------
REPLAY_DIR = ""  # a folder of saved responses: the crawl runs from it with no network
RECORD_DIR = ""  # a folder to save every live response into, in the replay layout
