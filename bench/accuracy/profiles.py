"""Request shapes of the generated scenarios of the accuracy benchmark.

The Cobalt Strike shapes restate facts of public malleable C2 profiles: URIs, header names and
values, user agents, cookie layout, sleep and jitter. The profiles are rsmudge/Malleable-C2-Profiles
(normal/amazon.profile, gmail.profile, onedrive_getonly.profile, ocsp.profile) and
threatexpress/malleable-c2 (jquery-c2.4.9.profile). Sleeps are scaled down so that a run takes
about a minute; the jitter percentages are the profiles' own.

Cobalt Strike's jitter shortens each sleep by a random share of up to `jitter` of it, so a
check-in comes every sleep * (1 - U(0, jitter)) seconds.
"""

import base64
import os

# A stand-in for the Internet Explorer user agent that Cobalt Strike uses when a profile sets
# none, as the Gmail profile does. The Gmail scenario runs inside TLS, so no rule sees it.
CS_DEFAULT_USER_AGENT = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"
IE11_WINDOWS7 = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
IE11_WINDOWS81 = "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko"


def metadata_bytes():
    """Return random bytes the size of Cobalt Strike's RSA-encrypted session metadata."""
    return os.urandom(128)


def base64_text(data):
    return base64.b64encode(data).decode()


def base64url_text(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def netbios_text(data):
    """Encode bytes as Cobalt Strike's `netbios` transform does: each nibble as 'a' + nibble."""
    return "".join(chr(ord("a") + (b >> 4)) + chr(ord("a") + (b & 0x0F)) for b in data)


def jquery_get():
    return {
        "method": "GET",
        "uri": "/jquery-3.3.1.min.js",
        "headers": [
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Referer", "http://code.jquery.com/"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Cookie", "__cfduid=" + base64url_text(metadata_bytes())),
        ],
    }


def jquery_post():
    session_id = base64url_text(os.urandom(4))
    return {
        "method": "POST",
        "uri": "/jquery-3.3.2.min.js?__cfduid=" + session_id,
        "headers": [
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Referer", "http://code.jquery.com/"),
            ("Accept-Encoding", "gzip, deflate"),
        ],
        "body": os.urandom(96),
    }


def amazon_get():
    cookie = "skin=noskin;session-token=" + base64_text(metadata_bytes()) + "csm-hit=s-24KU11BB82RZSYGJ3BDK|1419899012996"
    return {
        "method": "GET",
        "uri": "/s/ref=nb_sb_noss_1/167-3294888-0262949/field-keywords=books",
        "headers": [("Accept", "*/*"), ("Host", "www.amazon.com"), ("Cookie", cookie)],
    }


def amazon_post():
    session_id = str(int.from_bytes(os.urandom(4), "big"))
    query = "sz=160x600&oe=oe=ISO-8859-1;&sn=" + session_id + "&s=3717&dc_ref=http%3A%2F%2Fwww.amazon.com"
    return {
        "method": "POST",
        "uri": "/N4215/adj/amzn.us.sr.aps?" + query,
        "headers": [
            ("Accept", "*/*"),
            ("Content-Type", "text/xml"),
            ("X-Requested-With", "XMLHttpRequest"),
            ("Host", "www.amazon.com"),
        ],
        "body": base64_text(os.urandom(64)).encode(),
    }


def gmail_get():
    return {
        "method": "GET",
        "uri": "/_/scs/mail-static/_/js/",
        "headers": [
            ("Cookie", "OSID=" + base64_text(metadata_bytes())),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-US,en;q=0.5"),
            ("Accept-Encoding", "gzip, deflate"),
            ("DNT", "1"),
        ],
    }


def gmail_post():
    return {
        "method": "POST",
        "uri": "/mail/u/0/?ui=d3244c4707&hop=6928632&start=0",
        "headers": [
            ("Content-Type", "application/x-www-form-urlencoded;charset=utf-8"),
            ("Cookie", "OSID=" + base64_text(os.urandom(4))),
        ],
        "body": base64_text(os.urandom(64)).encode(),
    }


def onedrive_get():
    return {
        "method": "GET",
        "uri": "/preload?manifest=wac",
        "headers": [
            ("Host", "onedrive.live.com"),
            ("Accept", "text/html,application/xml;*/*;"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Cookie", "E=P:" + base64url_text(metadata_bytes()) + "=:PFzM9cj"),
        ],
    }


def onedrive_post():
    # The profile sends its output with GET: the data in a cookie, the session id in a Referer.
    return {
        "method": "GET",
        "uri": "/sa",
        "headers": [
            ("Host", "onedrive.live.com"),
            ("Accept", "text/html,application/xml;*/*;"),
            ("Accept-Encoding", "gzip, deflate"),
            ("Cookie", "E=P:" + base64url_text(os.urandom(48)) + "=:PFzM9cj"),
            ("Referer", "https://p.sfx.ms/sa.html?s=" + base64url_text(os.urandom(4))),
        ],
    }


def ocsp_get():
    return {
        "method": "GET",
        "uri": "/oscp/" + netbios_text(metadata_bytes()[:64]),
        "headers": [("Accept", "*/*"), ("Host", "ocsp.verisign.com")],
    }


def ocsp_post():
    return {
        "method": "POST",
        "uri": "/oscp/a/" + netbios_text(os.urandom(4)),
        "headers": [("Accept", "*/*"), ("Host", "ocsp.verisign.com")],
        "body": os.urandom(80),
    }


# name: profile facts and the scaled schedule. `host` is sent when the profile sets no Host
# header (the operator's domain); `profile_sleep` and `profile_jitter` are the profile's values.
COBALT_STRIKE_PROFILES = {
    "jquery": {
        "get": jquery_get, "post": jquery_post, "user_agent": IE11_WINDOWS81,
        "host": "static-cdn-assets.net", "profile_sleep": 45.0, "profile_jitter": 0.37,
        "sleep": 2.5, "jitter": 0.37, "check_ins": 24,
    },
    "amazon": {
        "get": amazon_get, "post": amazon_post, "user_agent": IE11_WINDOWS7,
        "host": None, "profile_sleep": 5.0, "profile_jitter": 0.0,
        "sleep": 1.5, "jitter": 0.0, "check_ins": 30,
    },
    "gmail": {
        "get": gmail_get, "post": gmail_post, "user_agent": CS_DEFAULT_USER_AGENT,
        "host": "mail.google.com", "profile_sleep": 60.0, "profile_jitter": 0.15,
        "sleep": 2.5, "jitter": 0.15, "check_ins": 22,
    },
    "onedrive": {
        "get": onedrive_get, "post": onedrive_post, "user_agent": IE11_WINDOWS7,
        "host": None, "profile_sleep": 60.0, "profile_jitter": 0.20,
        "sleep": 2.5, "jitter": 0.20, "check_ins": 22,
    },
    "ocsp": {
        "get": ocsp_get, "post": ocsp_post, "user_agent": "Microsoft-CryptoAPI/6.1",
        "host": None, "profile_sleep": 20.0, "profile_jitter": 0.20,
        "sleep": 2.0, "jitter": 0.20, "check_ins": 26,
    },
}

# Every this many check-ins the implant has task output, which it sends with the profile's
# http-post request right after the GET.
POST_EVERY = 7

SUNBURST_USER_AGENT = "SolarWindsOrionImprovementClient/3.0.0.382"
SUNBURST_PATHS = [
    "/swip/upd/SolarWinds.CortexPlugin.Components.xml",
    "/swip/upd/SolarWinds.Orion.Common.Updates.xml",
    "/swip/Events",
    "/swip/Upload.ashx",
]
