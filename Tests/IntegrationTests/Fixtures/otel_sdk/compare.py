"""Compares what the OpenTelemetry SDK sent (send.py's journal) with what arrived at the
backend (otlp_receiver.py's requests), field by field, with the official opentelemetry-proto
classes decoding both sides.

Both sides are flattened to one record per item: each span, log record and metric data
point, with its resource (attributes, dropped count, schema URL), its scope (name, version,
attributes, dropped count, schema URL), its metric's fields for a point, and the item's
every field. Items are matched by identity (trace and span id; a log record's timestamps;
a point's metric name, attributes and timestamps), and each matched pair must be equal.

Differences allowed, and only these:
  - resource attributes the agent adds, named by --added KEY (any value) or KEY=VALUE
    (that value), when the SDK's resource does not have the key (if it does, the SDK's
    value must arrive unchanged);
  - how items are grouped into requests, resources and scopes (batching and regrouping),
    and the order of items;
  - the order of attributes within one list (OTLP attributes are a map: keys are unique,
    and a duplicate key on either side is reported);
  - a span's empty `status` message (code unset, no message) and no `status` at all: the
    SDK always writes one, and protobuf reads both as the same default value.
Everything else — a missing, extra, duplicated or changed item or field — is a difference.

--wait SECONDS re-reads the received requests until every sent item has arrived (or the
time is up) before comparing. --require-coverage also checks that what was sent exercises
every field the full scenario is meant to (so a comparison cannot pass on thin data).

Prints one JSON summary line ({"equal", "sent": counts, "received": counts, "differences":
count}), then the differences, one per line; exits 0 when equal, 1 otherwise.
"""

import argparse
import base64
import json
import sys
import time

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

REQUESTS = {
    "traces": trace_service_pb2.ExportTraceServiceRequest,
    "logs": logs_service_pb2.ExportLogsServiceRequest,
    "metrics": metrics_service_pb2.ExportMetricsServiceRequest,
}
PATHS = {"/v1/traces": "traces", "/v1/logs": "logs", "/v1/metrics": "metrics"}
METRIC_TYPES = ("gauge", "sum", "histogram", "exponential_histogram", "summary")
MAX_SHOWN = 60


def to_dict(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


class Problems(list):
    def add(self, text):
        self.append(text)


def normalize(node, where, problems):
    """Attribute lists (`[{key, value}]`) become maps, so their order does not count; a
    repeated key is reported, since a map cannot show it."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "attributes" and isinstance(value, list):
                attributes = {}
                for pair in value:
                    name = pair.get("key", "")
                    if name in attributes:
                        problems.add("%s: attribute %r appears twice" % (where, name))
                    attributes[name] = normalize(pair.get("value", {}), where, problems)
                out[key] = attributes
            else:
                out[key] = normalize(value, where, problems)
        return out
    if isinstance(node, list):
        return [normalize(item, where, problems) for item in node]
    return node


def hex_id(value):
    return base64.b64decode(value).hex() if value else ""


def context(container, holder, scope_field, where, problems):
    """The resource and scope an item belongs to, as one record."""
    resource = normalize(to_dict(container.resource), where, problems)
    scope = normalize(to_dict(getattr(holder, scope_field)), where, problems)
    return {
        "resource": resource,
        "resource.schema_url": container.schema_url,
        "scope": scope,
        "scope.schema_url": holder.schema_url,
    }


def flatten(signal, message, where, problems):
    """(key, record) per item of one decoded request."""
    items = []
    if signal == "traces":
        for resource_spans in message.resource_spans:
            for scope_spans in resource_spans.scope_spans:
                base = context(resource_spans, scope_spans, "scope", where, problems)
                for span in scope_spans.spans:
                    record = normalize(to_dict(span), where, problems)
                    if record.get("status") == {}:
                        del record["status"]
                    key = ("span", span.trace_id.hex(), span.span_id.hex())
                    items.append((key, dict(base, span=record)))
    elif signal == "logs":
        for resource_logs in message.resource_logs:
            for scope_logs in resource_logs.scope_logs:
                base = context(resource_logs, scope_logs, "scope", where, problems)
                for log in scope_logs.log_records:
                    record = normalize(to_dict(log), where, problems)
                    key = ("log", log.time_unix_nano, log.observed_time_unix_nano)
                    items.append((key, dict(base, log=record)))
    else:
        for resource_metrics in message.resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                base = context(resource_metrics, scope_metrics, "scope", where, problems)
                for metric in scope_metrics.metrics:
                    kind = metric.WhichOneof("data")
                    described = normalize(to_dict(metric), where, problems)
                    points = described.get(kind, {}).pop("data_points", [])
                    for point in points:
                        attributes = json.dumps(point.get("attributes", {}), sort_keys=True)
                        key = ("point", metric.name, kind, attributes, point.get("start_time_unix_nano", "0"), point.get("time_unix_nano", "0"))
                        items.append((key, dict(base, metric=described, point=point)))
    return items


def read_sent(path, problems):
    items = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            entry = json.loads(line)
            if entry.get("kind") != "export":
                continue
            where = "sent request %d (%s)" % (number, entry["signal"])
            if not entry.get("success"):
                problems.add("%s: the SDK's export failed (status %s)" % (where, entry.get("status")))
            message = REQUESTS[entry["signal"]].FromString(base64.b64decode(entry["protobuf"]))
            items += flatten(entry["signal"], message, where, problems)
    return items


def read_received(path, problems):
    items = []
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        return items
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith("\n"):
                break  # still being written
            entry = json.loads(line)
            where = "received request %d (%s)" % (number, entry.get("path"))
            if "error" in entry:
                problems.add("%s: the receiver could not decode it: %s" % (where, entry["error"]))
                continue
            signal = PATHS.get(entry.get("path"))
            if signal is None or "protobuf" not in entry:
                continue
            if entry.get("answered", {}).get("status", 200) != 200:
                continue  # refused on purpose by the receiver: the agent retries it
            message = REQUESTS[signal].FromString(base64.b64decode(entry["protobuf"]))
            items += flatten(signal, message, where, problems)
    return items


def parse_added(specs):
    added = {}
    for spec in specs:
        key, separator, value = spec.partition("=")
        added[key] = value if separator else None
    return added


def drop_added(record, sent_record, added, where, problems):
    """Removes the resource attributes the agent may add, checking the values it must use."""
    received_attributes = record["resource"].get("attributes", {})
    sent_attributes = sent_record["resource"].get("attributes", {})
    for key, value in added.items():
        if key in sent_attributes or key not in received_attributes:
            continue
        arrived = received_attributes.pop(key)
        if value is not None and arrived != {"string_value": value}:
            problems.add("%s: resource.attributes[%r] the agent adds: expected %r, got %s" % (where, key, value, json.dumps(arrived)))
    if not received_attributes:
        record["resource"].pop("attributes", None)


def differences(path, sent, received, out):
    if isinstance(sent, dict) and isinstance(received, dict):
        for key in sorted(set(sent) | set(received)):
            if key not in received:
                out.append("%s.%s: sent %s, missing at the backend" % (path, key, json.dumps(sent[key], sort_keys=True)))
            elif key not in sent:
                out.append("%s.%s: not sent, arrived as %s" % (path, key, json.dumps(received[key], sort_keys=True)))
            else:
                differences("%s.%s" % (path, key), sent[key], received[key], out)
    elif isinstance(sent, list) and isinstance(received, list) and len(sent) == len(received):
        for index, (left, right) in enumerate(zip(sent, received)):
            differences("%s[%d]" % (path, index), left, right, out)
    elif sent != received or type(sent) is not type(received):
        out.append("%s: sent %s, arrived as %s" % (path, json.dumps(sent, sort_keys=True), json.dumps(received, sort_keys=True)))


def describe(key):
    kind = key[0]
    if kind == "span":
        return "span %s/%s" % (key[1], key[2])
    if kind == "log":
        return "log record time=%s observed=%s" % (key[1], key[2])
    return "point %s (%s) %s start=%s time=%s" % key[1:]


def value_text(value):
    """An attribute value as text: what a point's attribute would read as if its type were lost."""
    for kind, inner in value.items():
        if kind == "bool_value":
            return "true" if inner else "false"
        if kind in ("string_value", "int_value"):
            return str(inner)
    return json.dumps(value, sort_keys=True)


def loose(key, record):
    """The identity of an item with the fields a conversion might change left out (a
    point's type and its attributes' value types): a sent and an arrived item that match
    only this way are compared field by field, so the difference names the field."""
    if key[0] != "point":
        return key
    attributes = {name: value_text(value) for name, value in record["point"].get("attributes", {}).items()}
    return ("point", key[1], json.dumps(attributes, sort_keys=True), key[4], key[5])


def compare(sent_items, received_items, added, problems):
    sent = {}
    for key, record in sent_items:
        if key in sent:
            problems.add("%s: the SDK sent it twice (the test cannot tell copies apart)" % describe(key))
        sent[key] = record
    arrived = {}
    for key, record in received_items:
        arrived.setdefault(key, []).append(record)
    unmatched = {}
    for key, record in sent.items():
        copies = arrived.pop(key, [])
        if not copies:
            unmatched[loose(key, record)] = (key, record)
            continue
        check(key, record, copies, added, problems)
    for key, copies in list(arrived.items()):
        sent_key, record = unmatched.pop(loose(key, copies[0]), (None, None))
        if record is not None:
            problems.add("%s: arrived as %s" % (describe(sent_key), describe(key)))
            check(sent_key, record, copies, added, problems)
        else:
            problems.add("%s: arrived %d time(s), never sent" % (describe(key), len(copies)))
    for key, _ in unmatched.values():
        problems.add("%s: sent, never arrived" % describe(key))


def check(key, record, copies, added, problems):
    if len(copies) > 1:
        problems.add("%s: arrived %d times" % (describe(key), len(copies)))
    for copy in copies:
        drop_added(copy, record, added, describe(key), problems)
        found = []
        differences(describe(key), record, copy, found)
        for text in found:
            problems.add(text)


def counts(items):
    result = {"spans": 0, "logs": 0, "points": 0}
    for key, _ in items:
        result[{"span": "spans", "log": "logs", "point": "points"}[key[0]]] += 1
    return result


def coverage(sent_items, problems):
    """What the full scenario must exercise, checked on what was actually sent."""
    spans = [record["span"] for key, record in sent_items if key[0] == "span"]
    logs = [record["log"] for key, record in sent_items if key[0] == "log"]
    points = [record for key, record in sent_items if key[0] == "point"]
    value_kinds = set()

    def note(attributes):
        for value in attributes.values():
            for kind, inner in value.items():
                if kind == "array_value":
                    value_kinds.update("array of " + k for item in inner.get("values", []) for k in item)
                else:
                    value_kinds.add(kind)

    for span in spans:
        note(span.get("attributes", {}))
    expected_kinds = {"string_value", "bool_value", "int_value", "double_value"}
    expected_kinds |= {"array of " + kind for kind in expected_kinds}
    checks = {
        "span attributes of every type": expected_kinds <= value_kinds,
        "span events with attributes": any(event.get("attributes") for span in spans for event in span.get("events", [])),
        "span links with attributes": any(link.get("attributes") for span in spans for link in span.get("links", [])),
        "an error status with a message": any(span.get("status", {}).get("code") == "STATUS_CODE_ERROR" and span["status"].get("message") for span in spans),
        "an ok status": any(span.get("status", {}).get("code") == "STATUS_CODE_OK" for span in spans),
        "four span kinds": len({span.get("kind") for span in spans}) >= 4,
        "a parent and child": any(span.get("parent_span_id") for span in spans),
        "a remote parent (flags 0x300)": any(span.get("flags", 0) & 0x300 == 0x300 for span in spans),
        "a trace state": any(span.get("trace_state") for span in spans),
        "scope attributes and schema URLs for every signal": {"span", "log", "point"} <= {
            key[0] for key, record in sent_items if record["scope"].get("attributes") and record["scope.schema_url"] and record["resource.schema_url"]
        },
        "log records of four severities": len({log.get("severity_number") for log in logs}) >= 4,
        "log records inside a span": any(log.get("trace_id") and log.get("span_id") for log in logs),
        "log records outside spans": any(not log.get("trace_id") for log in logs),
        "an event record": any(log.get("event_name") for log in logs),
        "a monotonic sum of ints": any("sum" in p["metric"] and p["metric"]["sum"].get("is_monotonic") and "as_int" in p["point"] for p in points),
        "a non-monotonic sum": any("sum" in p["metric"] and not p["metric"]["sum"].get("is_monotonic") for p in points),
        "a gauge of doubles": any("gauge" in p["metric"] and "as_double" in p["point"] for p in points),
        "a histogram with buckets": any("histogram" in p["metric"] and p["point"].get("bucket_counts") for p in points),
    }
    for name, ok in checks.items():
        if not ok:
            problems.add("coverage: the SDK sent no %s" % name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sent", required=True, help="send.py's journal")
    parser.add_argument("--received", required=True, help="otlp_receiver.py's requests")
    parser.add_argument("--added", action="append", default=[], help="a resource attribute the agent adds: KEY or KEY=VALUE")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for every sent item to arrive")
    parser.add_argument("--require-coverage", action="store_true")
    args = parser.parse_args()

    sent_problems = Problems()
    sent_items = read_sent(args.sent, sent_problems)
    wanted = {key for key, _ in sent_items}
    deadline = time.time() + args.wait
    while True:
        problems = Problems(sent_problems)
        received_items = read_received(args.received, problems)
        if wanted <= {key for key, _ in received_items} or time.time() >= deadline:
            break
        time.sleep(0.1)

    if args.require_coverage:
        coverage(sent_items, problems)
    compare(sent_items, received_items, parse_added(args.added), problems)
    summary = {"equal": not problems, "sent": counts(sent_items), "received": counts(received_items), "differences": len(problems)}
    print(json.dumps(summary, sort_keys=True))
    for text in problems[:MAX_SHOWN]:
        print(text)
    if len(problems) > MAX_SHOWN:
        print("… and %d more" % (len(problems) - MAX_SHOWN))
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
