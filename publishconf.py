"""Settings for the production build that `invoke publish` checks and deploys.

Everything in pelicanconf.py, plus an absolute site address from the environment:

    PORTAL_SITEURL=https://egov.example.org invoke publish --target folder --dest /srv/www

Without PORTAL_SITEURL (or with a value that is not an absolute http(s) URL) loading
these settings fails: a production site with relative or made-up links must never
be built, let alone published. Credentials never go here: see docs/PUBLISHING.md.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from pelicanconf import *  # noqa: E402, F403
from pelicanconf import PORTAL  # noqa: E402
from tools.publish import site_url_from  # noqa: E402

SITEURL = site_url_from(os.environ)
RELATIVE_URLS = False  # every link absolute: pages, feeds, sitemaps and shared links agree
FEED_DOMAIN = SITEURL  # feeds (plugins/feeds) link absolutely to the live site

# Production builds start clean: no Pelican content cache from a development build,
# every page rendered afresh (no incremental re-use of an earlier build), and the
# portal's read cache (keyed by each file's bytes) kept apart from development's.
LOAD_CONTENT_CACHE = False
CACHE_PATH = os.path.join(_HERE, ".cache", "publish")
PERFORMANCE = {**globals().get("PERFORMANCE", {}), "incremental": False}
# Drafts and future-dated articles never reach the live site.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
WITH_FUTURE_DATES = False
PORTAL = {**PORTAL, "preview": False}

# The publish task (tools/publish.py). Hosts, paths and branches may live here;
# passwords, tokens and keys may not (the task refuses them): they come from the
# environment or the SSH agent. Every value can be overridden by an environment
# variable (docs/PUBLISHING.md lists them).
PUBLISH = {
    # Default target when `--target` is not given: "rsync", "ghpages" or "folder".
    "target": None,
    # Strict checks: a warning (not only an error) from the content checks stops
    # publishing, and so does any broken internal link or feed problem.
    "strict": True,
    # rsync over SSH: user@host:path. Authentication: the SSH agent only.
    "rsync": {"host": None, "user": None, "path": None, "port": 22},
    # GitHub Pages through ghp-import: a repository URL (or path) and its branch.
    "ghpages": {"repository": None, "branch": "gh-pages", "cname": None},
    # A local folder (e.g. the document root of a web server on this machine).
    "folder": {"path": None},
}
