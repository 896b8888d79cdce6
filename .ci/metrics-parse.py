"""Reads the server's /metrics in both formats it offers and parses each with the Python
Prometheus client's parsers (the OpenMetrics one is strict: any deviation raises).

Usage: python metrics-parse.py <server url>
"""

import sys
import urllib.request

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as parse_openmetrics,
)
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

EXPECTED = {
    "ap_graphql_requests": "counter",
    "ap_graphql_request_seconds": "histogram",
    "ap_build": "info",
    "process_cpu_seconds": "counter",
    "process_resident_memory_bytes": "gauge",
    "process_open_fds": "gauge",
    "process_max_fds": "gauge",
    "process_start_time_seconds": "gauge",
}


def scrape(url, accept):
    request = urllib.request.Request(f"{url}/metrics", headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get("Content-Type", ""), response.read().decode("utf-8")


def check(name, families, content_type, expected_type):
    found = {family.name: family.type for family in families}
    missing = [
        metric
        for metric, kind in EXPECTED.items()
        # The classic parser knows no `info` type and reads it as a gauge named *_info.
        if found.get(metric) != kind
        and not (kind == "info" and f"{metric}_info" in found)
    ]
    if not content_type.startswith(expected_type):
        raise SystemExit(f"{name}: Content-Type {content_type!r}")
    if missing:
        raise SystemExit(f"{name}: families missing or mistyped: {missing}; found {found}")
    print(f"{name}: {len(found)} families parsed")


def main():
    url = sys.argv[1]
    # A GraphQL request first, so the request families have samples.
    urllib.request.urlopen(
        urllib.request.Request(
            f"{url}/graphql",
            data=b'{"query":"query Probe { categories { code } }"}',
            headers={"Content-Type": "application/json"},
        ),
        timeout=10,
    ).read()
    content_type, text = scrape(url, "application/openmetrics-text;version=1.0.0,*/*;q=0.1")
    check("OpenMetrics", list(parse_openmetrics(text)), content_type, "application/openmetrics-text")
    content_type, text = scrape(url, "text/plain")
    check("Prometheus text", list(parse_prometheus(text)), content_type, "text/plain; version=0.0.4")


if __name__ == "__main__":
    main()
