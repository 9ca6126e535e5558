"""Settings for development and preview builds. publishconf.py builds on these.

Paths are relative to this file's folder, so `pelican DIR -s pelicanconf.py -o OUT`
builds any content folder.
"""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))

AUTHOR = "Portal editors"
SITENAME = "City e-Government Monitor"
SITESUBTITLE = "News, profiles and cooperation agreements of cities building e-government"
SITEURL = ""
RELATIVE_URLS = True  # links work from `invoke serve` and from any sub-path
PATH = "content"
TIMEZONE = "Europe/Berlin"
DEFAULT_LANG = "en"
LOCALE = ("C.UTF-8", "C")  # Babel formats dates per language; UTF-8 keeps file I/O sane

THEME = os.path.join(_HERE, "theme")
PLUGIN_PATHS = [os.path.join(_HERE, "plugins")]
PLUGINS = ["portal", "i18n", "home", "cities", "events", "mous", "feeds"]

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
IGNORE_FILES = [".#*", "*~", ".*.swp"]

# Clean, permanent URLs: every page is an index.html in its own folder.
ARTICLE_URL = "news/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
ARTICLE_LANG_URL = "{lang}/news/{date:%Y}/{date:%m}/{slug}/"
ARTICLE_LANG_SAVE_AS = ARTICLE_LANG_URL + "index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = ""  # drafts appear only in preview (PORTAL["preview"])
DRAFT_LANG_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = PAGE_URL + "index.html"
PAGE_LANG_URL = "{lang}/{slug}/"
PAGE_LANG_SAVE_AS = PAGE_LANG_URL + "index.html"
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
CATEGORIES_SAVE_AS = "category/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
TAGS_SAVE_AS = "tag/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = AUTHOR_URL + "index.html"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = YEAR_ARCHIVE_URL + "index.html"
CITY_URL = "cities/{slug}/"
CITY_SAVE_AS = CITY_URL + "index.html"
MOU_URL = "mous/{slug}/"
MOU_SAVE_AS = MOU_URL + "index.html"
EVENT_URL = "events/{slug}/"
EVENT_SAVE_AS = EVENT_URL + "index.html"

ARTICLE_TRANSLATION_ID = "entry_id"  # a translation shares its original's Id
PAGE_TRANSLATION_ID = "slug"
WITH_FUTURE_DATES = False  # future-dated articles wait (reported as scheduled)

DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None, "author": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Menus list fixed sections, not every page or category (that costs O(N) per page).
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# Pelican's own feeds are off: the feeds plugin writes every feed.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# The feeds plugin (plugins/feeds): every feed is under /feeds/.
FEEDS = {
    "siteurl": "http://127.0.0.1:8000",  # absolute feed links in development; SITEURL wins when absolute
    "id_authority": "egov-portal.example",  # tag: URI authority of entry IDs; never change it
    "id_date": "2026",
    "max_items": 20,
    "websub_hub": None,  # e.g. "https://pubsubhubbub.appspot.com/"
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html",
}

JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": ["jinja2.ext.i18n"],
    "auto_reload": False,  # each build loads templates afresh; no stat per include
}

# The portal's own settings, read once by its plugins (each with defaults).
PORTAL = {
    "languages": ["en", "de"],
    "categories": ["Cooperation", "Rankings", "Events", "Organizations"],
    "tags": [
        "MOU",
        "WEGO",
        "rankings",
        "digital divide",
        "events",
        "citizen participation",
        "open data",
        "CIO",
    ],
    "iframe_hosts": ["www.youtube-nocookie.com", "player.vimeo.com"],
    "preview": False,
}

TEMPLATE_PAGES = {"404.html": "404.html"}
DIRECT_TEMPLATES = ["index", "tags", "categories", "authors", "archives"]

# The theme. root_path: where the site is served from; the 404 page (served at any
# missing path) links from it instead of relatively. publishconf's absolute SITEURL wins.
PORTAL_THEME = {"root_path": "/"}
# The interface languages (plugins/i18n): each further language's home page.
I18N = {"home_url": "{lang}/", "home_save_as": "{lang}/index.html"}
# The home page's highlights (plugins/home).
HOME = {"events": 3, "mous": 5, "rankings": 5}
# The MOU timeline (plugins/mous): its pages and data files. Every key and its
# default: MouSettings in plugins/mous/generator.py.
MOUS = {"index_url": "mous/", "data_url": "mous/data/", "label_limit": 40}
# City profiles, /cities/ and /rankings/ (plugins/cities); defaults in CitiesSettings.
CITIES = {
    "profile_articles": 10,  # latest articles on a profile; all of them on /cities/<slug>/articles/
    "articles_per_page": 20,
    "map_label_limit": 40,  # name the dots on the /cities/ map up to this many cities
    "index_url": "cities/",
    "sorted_url": "cities/by/{key}/",  # pre-sorted tables: name, country, region, mous, articles
    "articles_url": "cities/{slug}/articles/",
    "rankings_url": "rankings/",
}

# Builds at scale (plugins/portal/performance.py): the reader's results are kept in
# CACHE_PATH between builds; cold reads use one process per CPU ("workers": 0);
# "incremental" re-renders only the pages a change affects.
CACHE_PATH = os.path.join(_HERE, ".cache")
PERFORMANCE = {"cache": True, "workers": 0, "incremental": True}

# Search and SEO come last: they read what every other plugin wrote.
PLUGINS += ["seo", "search"]
# SEO (plugins/seo): canonical links, OpenGraph and JSON-LD URLs and the sitemap need
# an absolute site URL; "siteurl": None takes SITEURL ("" here: dev pages get none).
SEO = {"siteurl": None, "search_url_template": "search/?q={search_term_string}"}
# Search (plugins/search): a Pagefind index after every build, one for all languages.
SEARCH = {"bundle_dir": "pagefind", "page_url": "search/", "index_language": None}
