"""Writes ops/grafana/dashboard.json (run: python3 scripts/build-dashboard.py).

Kept as code so the panels stay consistent; the JSON is committed for Grafana to import.
"""
import json
import pathlib

DS = {"type": "prometheus", "uid": "${datasource}"}
panels = []
y = 0


def row(title):
    global y
    panels.append({"type": "row", "title": title, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "id": len(panels) + 1, "panels": []})
    y += 1


def panel(title, kind, targets, x, w=8, h=8, unit=None, extra=None, description=None):
    p = {
        "id": len(panels) + 1,
        "title": title,
        "type": kind,
        "datasource": DS,
        "gridPos": {"h": h, "w": w, "x": x, "y": y},
        "targets": [{"datasource": DS, "expr": expr, "legendFormat": legend, "refId": chr(65 + i)} for i, (expr, legend) in enumerate(targets)],
        "fieldConfig": {"defaults": {"unit": unit} if unit else {}, "overrides": []},
        "options": {},
    }
    if description:
        p["description"] = description
    if extra:
        for key, value in extra.items():
            p[key] = value
    panels.append(p)


state_mappings = [
    {"type": "value", "options": {"0": {"text": "closed", "color": "green"}, "1": {"text": "open", "color": "red"}, "2": {"text": "half-open", "color": "yellow"}}}
]

row("Circuit breakers")
panel("Breaker state per service", "state-timeline", [("max by (service) (gateway_circuit_breaker_state)", "{{service}}")], 0,
      extra={"fieldConfig": {"defaults": {"mappings": state_mappings, "color": {"mode": "thresholds"}}, "overrides": []}},
      description="0 closed, 1 open, 2 half-open (gateway_circuit_breaker_state).")
panel("Open for", "stat", [("max by (service) ((time() - gateway_circuit_breaker_last_state_change_timestamp_seconds) * (gateway_circuit_breaker_state == bool 1))", "{{service}}")], 8, unit="s",
      description="Seconds since an open breaker opened; 0 when closed.")
panel("Calls by outcome", "timeseries", [("sum by (service, status) (rate(gateway_circuit_breaker_requests_total[$__rate_interval]))", "{{service}} {{status}}")], 16, unit="reqps")
y += 8
panel("State transitions", "timeseries", [("sum by (service, from_state, to_state) (increase(gateway_circuit_breaker_state_transitions_total[5m]))", "{{service}} {{from_state}}→{{to_state}}")], 0)
panel("Failures by kind", "timeseries", [("sum by (service, exception_type) (rate(gateway_circuit_breaker_failures_total[$__rate_interval]))", "{{service}} {{exception_type}}")], 8, unit="reqps")
panel("Slow calls", "timeseries", [("sum by (service) (rate(gateway_circuit_breaker_slow_calls_total[$__rate_interval]))", "{{service}}")], 16, unit="reqps",
      description="Calls slower than the breaker's slowCallMs (only for services that set it); they count toward slowCallRate.")
y += 8

row("Upstreams")
panel("Backend requests by outcome", "timeseries", [("sum by (service, outcome) (rate(gateway_external_request_total[$__rate_interval]))", "{{service}} {{outcome}}")], 0, unit="reqps",
      description="outcome: status class 2xx…5xx, or network_error, timeout, cancelled, bad_body.")
panel("Error ratio", "timeseries", [("sum by (service) (rate(gateway_external_request_total{status=\"failure\", outcome!=\"cancelled\"}[$__rate_interval])) / sum by (service) (rate(gateway_external_request_total[$__rate_interval]))", "{{service}}")], 8, unit="percentunit",
      description="Failed attempts the backend is to blame for (cancelled ones left out), as the GatewayUpstreamErrorRate alerts compute it.")
panel("p95 latency", "timeseries", [("histogram_quantile(0.95, sum by (service, le) (rate(gateway_external_request_duration_seconds_bucket[$__rate_interval])))", "{{service}}")], 16, unit="s")
y += 8
panel("Failed backend requests", "timeseries", [("sum(rate(gateway_external_request_total{status=\"failure\"}[$__rate_interval])) by (service)", "{{service}}")], 0, unit="reqps",
      description="status=\"failure\": every attempt that did not end in the expected answer, cancelled ones included (outcome=\"cancelled\").")
panel("Retries", "timeseries", [("sum by (service, attempt) (rate(gateway_retry_total[$__rate_interval]))", "{{service}} retry {{attempt}}"),
                                 ("sum by (service) (rate(gateway_retry_budget_exhausted_total[$__rate_interval]))", "{{service}} skipped by the retry budget")], 8, unit="reqps",
      description="Retries made, by retry number; and retries not made because the backend's retry budget (retryBudget) was spent.")
panel("DataLoader batch size (p50)", "timeseries", [("histogram_quantile(0.5, sum by (service, le) (rate(gateway_dataloader_batch_size_bucket[$__rate_interval])))", "{{service}}")], 16)
y += 8

row("GraphQL, cache, rate limits")
panel("Operations by name", "timeseries", [("sum by (operation_name) (rate(graphql_envelop_request_total[$__rate_interval]))", "{{operation_name}}")], 0, unit="reqps")
panel("Errors per operation", "timeseries", [("sum(rate(graphql_envelop_error_result_total[$__rate_interval])) / sum(rate(graphql_envelop_request_total[$__rate_interval]))", "errors / operation")], 8, unit="percentunit")
panel("Operation p95", "timeseries", [("histogram_quantile(0.95, sum by (operation_name, le) (rate(graphql_envelop_request_duration_bucket[$__rate_interval])))", "{{operation_name}}")], 16, unit="s")
y += 8
panel("Cache hit ratio by tier", "timeseries", [("sum by (tier) (rate(gateway_cache_requests_total{result=\"hit\"}[$__rate_interval])) / sum by (tier) (rate(gateway_cache_requests_total[$__rate_interval]))", "{{tier}}")], 0, unit="percentunit")
panel("Redis errors", "timeseries", [("rate(gateway_cache_redis_errors_total[$__rate_interval])", "errors/s")], 8, unit="reqps")
panel("Rate limited", "timeseries", [("sum by (scope) (rate(gateway_rate_limited_total[$__rate_interval]))", "{{scope}}")], 16, unit="reqps")

dashboard = {
    "title": "Mobile GraphQL Gateway",
    "uid": "mobile-graphql-gateway",
    "description": "Breakers, upstreams, GraphQL and cache of the mobile gateway (metric names as exported with METRICS_PREFIX=gateway_).",
    "tags": ["graphql", "gateway", "mobile"],
    "timezone": "browser",
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-1h", "to": "now"},
    "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus", "current": {}}]},
    "panels": panels,
}
path = pathlib.Path(__file__).resolve().parent.parent / "ops" / "grafana" / "dashboard.json"
path.write_text(json.dumps(dashboard, indent=2) + "\n")
print(f"wrote {path} ({len(panels)} panels)")
