"""A service instrumented with the real OpenTelemetry Python SDK (PyPI's opentelemetry-sdk and
opentelemetry-exporter-otlp-proto-http), sending to an OTLP/HTTP endpoint: the agent.

Its exporters are the SDK's own OTLP/HTTP protobuf exporters, subclassed only to keep a
journal (--journal, one JSON object per line):

  {"kind": "export", "signal", "protobuf": base64 of exactly the serialized request the
   exporter handed to its HTTP client, "success", "status"}        once per export call
  {"kind": "attempt", "signal", "status", "retry_after", "start", "end", "error"}
                                                                   once per HTTP attempt

Scenarios (--scenario):
  full       spans (every attribute type, events, links, status, kinds, a tree, a remote
             parent), python `logging` records inside and outside spans with `extra`
             attributes, an event record, and metrics (sum, up-down sum, gauge, histogram)
  burst      --spans N small spans, in batches of 512: for back-pressure
  correlate  one span continuing --traceparent: for log-trace correlation

It exits 0 only if every export succeeded, 1 if any failed, 2 if the SDK's internals this
relies on are not where 1.45 keeps them. Prints a one-line JSON summary.
"""

import argparse
import base64
import json
import logging
import os
import sys
import threading
import time
import warnings

# Exemplars are not carried by the agent's model (a known gap): the SDK must not send any.
os.environ["OTEL_METRICS_EXEMPLAR_FILTER"] = "always_off"

from opentelemetry import trace  # noqa: E402
from opentelemetry._logs import SeverityNumber  # noqa: E402
from opentelemetry.exporter.http.transport._requests import RequestsHTTPTransport  # noqa: E402
from opentelemetry.exporter.otlp.common import http as otlp_http  # noqa: E402
from opentelemetry.exporter.otlp.proto.http import Compression  # noqa: E402
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.metrics import Observation  # noqa: E402
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler  # noqa: E402
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from opentelemetry.trace import Link, SpanKind, Status, StatusCode  # noqa: E402
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator  # noqa: E402

SCHEMA_URL = "https://opentelemetry.io/schemas/1.26.0"
SCOPE_VERSION = "1.2.3"

# One of each attribute type OTLP has a scalar or homogeneous array for, with the edges
# a converter gets wrong: int64 extremes (not representable as doubles), non-ASCII text,
# an empty string, tiny and huge doubles.
EVERY_TYPE = {
    "text": "Grüße, 世界 ✓",
    "text.empty": "",
    "flag": True,
    "flag.off": False,
    "count": 42,
    "count.max": 9223372036854775807,
    "count.min": -9223372036854775808,
    "ratio": 0.1,
    "ratio.tiny": 5e-324,
    "ratio.huge": -1.7976931348623157e308,
    "texts": ["a", "ß", ""],
    "flags": [True, False, True],
    "counts": [1, -2, 9007199254740993],
    "ratios": [0.5, -2.25, 1e-300],
}


class Journal:
    """One JSON line per export call and per HTTP attempt, from the exporters' threads."""

    def __init__(self, path):
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8")
        self.failures = []
        self.exports = {"traces": 0, "logs": 0, "metrics": 0}

    def write(self, entry):
        with self._lock:
            if entry["kind"] == "export":
                self.exports[entry["signal"]] += 1
                if not entry["success"]:
                    self.failures.append(entry["signal"])
            self._file.write(json.dumps(entry, sort_keys=True) + "\n")
            self._file.flush()


class RecordingTransport(RequestsHTTPTransport):
    """The SDK's requests transport, noting each attempt's status and Retry-After: what the
    exporter saw when the agent pushed back, and how long it waited before trying again."""

    def __init__(self, signal, journal):
        super().__init__()
        self._signal = signal
        self._journal = journal

    def request(self, method, url, *, headers=None, timeout=None, data=None):
        start = time.time()
        result = super().request(method, url, headers=headers, timeout=timeout, data=data)
        retry_after = result.headers().get("retry-after") if result.status_code is not None else None
        self._journal.write({
            "kind": "attempt", "signal": self._signal, "status": result.status_code, "retry_after": retry_after,
            "start": start, "end": time.time(), "error": None if result.error is None else repr(result.error),
        })
        return result


class RecordingClient:
    """Stands in for the exporter's `_OTLPHTTPClient` (1.45 keeps it in `exporter._client`):
    its `export(data)` is the one method that receives the serialized request, before
    compression and retries, so what is journaled is exactly what the exporter sent."""

    def __init__(self, client, signal, journal):
        if not isinstance(client, otlp_http._OTLPHTTPClient):
            print("the SDK's exporter no longer keeps an _OTLPHTTPClient in _client: %r" % (client,), file=sys.stderr)
            sys.exit(2)
        self._client = client
        self._signal = signal
        self._journal = journal

    def export(self, data):
        result = self._client.export(data)
        self._journal.write({
            "kind": "export", "signal": self._signal, "protobuf": base64.b64encode(data).decode(),
            "success": result.success, "status": result.status_code,
        })
        return result

    def shutdown(self):
        self._client.shutdown()


def recording(exporter_class, signal):
    class Recording(exporter_class):
        def __init__(self, journal, **options):
            super().__init__(_transport=RecordingTransport(signal, journal), **options)
            self._client = RecordingClient(self._client, signal, journal)

    Recording.__name__ = "Recording" + exporter_class.__name__
    return Recording


RecordingSpanExporter = recording(OTLPSpanExporter, "traces")
RecordingLogExporter = recording(OTLPLogExporter, "logs")
RecordingMetricExporter = recording(OTLPMetricExporter, "metrics")


def resource():
    return Resource.create(
        {
            "service.name": "sdk-checkout",
            "service.version": "4.2.0",
            "deployment.replica": 3,
            "host.arm": False,
            "load.factor": 0.75,
            "region.zones": ["eu-1a", "eu-1b"],
        },
        schema_url=SCHEMA_URL,
    )


def exporter_options(args, signal):
    compression = Compression.Gzip if signal in args.gzip else Compression.NoCompression
    return {"endpoint": "%s/v1/%s" % (args.endpoint.rstrip("/"), signal), "timeout": args.timeout, "compression": compression}


# MARK: - traces


def full_spans(tracer):
    """A request continuing a remote caller's trace (so flags carry IS_REMOTE), a tree of
    children of every kind, events, a link, both statuses, and a second local root."""
    carrier = {
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "tracestate": "vendor=abc,other=xyz",
    }
    remote = TraceContextTextMapPropagator().extract(carrier)
    with tracer.start_as_current_span("consume orders", kind=SpanKind.CONSUMER, attributes={"messaging.system": "kafka"}) as root:
        root.set_status(Status(StatusCode.OK))
        other = root.get_span_context()

    with tracer.start_as_current_span("POST /checkout", context=remote, kind=SpanKind.SERVER, attributes=EVERY_TYPE) as server:
        server.add_event("request.received", {"bytes": 512, "content.type": "application/json", "gzip": True, "weights": [0.25, 0.75]})
        with tracer.start_as_current_span(
            "charge card", kind=SpanKind.CLIENT,
            links=[Link(other, {"link.reason": "triggered by", "link.index": 7, "link.sampled": True, "link.ids": ["x", "y"]})],
        ) as client:
            client.set_attribute("payment.amount", 129.99)
            client.set_attribute("payment.retries", [1, 2, 3])
            client.add_event("retry", {"attempt": 2}, timestamp=time.time_ns())
            try:
                raise ValueError("card declined: insufficient funds")
            except ValueError as error:
                client.record_exception(error, {"exception.escaped": False})
            client.set_status(Status(StatusCode.ERROR, "card declined"))
        with tracer.start_as_current_span("enqueue receipt", kind=SpanKind.PRODUCER) as producer:
            producer.set_attribute("messaging.destination.name", "receipts")
        with tracer.start_as_current_span("render", kind=SpanKind.INTERNAL):
            pass
        server.set_status(Status(StatusCode.OK))


def burst_spans(tracer, count):
    for index in range(count):
        with tracer.start_as_current_span("burst %d" % index, kind=SpanKind.INTERNAL) as span:
            span.set_attribute("burst.index", index)
            span.set_attribute("burst.payload", "p" * 64)


def correlated_span(tracer, traceparent):
    remote = TraceContextTextMapPropagator().extract({"traceparent": traceparent})
    with tracer.start_as_current_span("GET /orders/42", context=remote, kind=SpanKind.SERVER, attributes={"http.route": "/orders/{id}"}):
        pass


# MARK: - logs


def full_logs(logger_provider, tracer):
    """python `logging` records through the SDK's LoggingHandler, of several levels, with
    `extra` attributes of several types, some inside a span; and an event record."""
    with warnings.catch_warnings():
        # The SDK's LoggingHandler is deprecated in favour of opentelemetry-instrumentation-
        # logging, which is not installed: it is still what 1.45 ships and what users run.
        warnings.simplefilter("ignore", DeprecationWarning)
        handler = LoggingHandler(level=logging.DEBUG, logger_provider=logger_provider)
    logger = logging.getLogger("checkout.payments")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)

    logger.debug("cache warmed in %d ms", 12, extra={"cache.entries": 1024, "cache.cold": False})
    logger.info("checkout started", extra={"user.tier": "gold", "cart.value": 129.99, "cart.items": ["sku-1", "sku-2"]})
    with tracer.start_as_current_span("log inside span", kind=SpanKind.INTERNAL):
        logger.warning("payment slow: %s", "2.5 s", extra={"latency.seconds": 2.5, "slow": True, "attempts": [1, 2]})
        try:
            raise RuntimeError("gateway timeout")
        except RuntimeError:
            logger.exception("payment failed", extra={"gateway": "acme", "http.status_code": 504})
    logger.critical("ledger unreachable — orders on hold", extra={"orders.held": 17})
    logger.removeHandler(handler)

    events = logger_provider.get_logger("outrider.sdk-test.events", SCOPE_VERSION, SCHEMA_URL, {"events.source": "checkout"})
    events.emit(
        event_name="checkout.completed", severity_number=SeverityNumber.INFO, severity_text="INFO",
        body="order 42 completed", attributes={"order.id": 42, "order.total": 129.99, "order.express": True},
        timestamp=time.time_ns(),
    )


# MARK: - metrics


def full_metrics(meter):
    orders = meter.create_counter("orders.placed", unit="{order}", description="Orders placed")
    orders.add(1, {"payment.method": "card"})
    orders.add(2, {"payment.method": "cash"})
    orders.add(4, {"payment.method": "card"})

    depth = meter.create_up_down_counter("queue.depth", unit="{message}", description="Messages waiting")
    depth.add(5, {"queue": "receipts"})
    depth.add(-2, {"queue": "receipts"})
    depth.add(-3, {"queue": "refunds"})

    def temperatures(_options):
        yield Observation(41.5, {"core": 0})
        yield Observation(-0.25, {"core": 1, "throttled": True})

    meter.create_observable_gauge("cpu.temperature", callbacks=[temperatures], unit="Cel", description="Core temperature")

    latency = meter.create_histogram(
        "checkout.duration", unit="ms", description="Checkout latency",
        explicit_bucket_boundaries_advisory=[5.0, 10.0, 25.0, 50.0, 100.0],
    )
    for value in (3.0, 7.5, 7.5, 20.0, 99.9, 250.0):
        latency.record(value, {"http.route": "/checkout"})
    latency.record(12.0, {"http.route": "/cart"})


# MARK: - main


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True, help="base URL, e.g. http://127.0.0.1:4318")
    parser.add_argument("--journal", required=True)
    parser.add_argument("--scenario", choices=["full", "burst", "correlate"], default="full")
    parser.add_argument("--spans", type=int, default=2000, help="burst: how many spans")
    parser.add_argument("--traceparent", help="correlate: the trace the span continues")
    parser.add_argument("--timeout", type=float, default=30, help="each export's deadline, retries included")
    parser.add_argument("--gzip", default="traces", help="signals whose requests are gzip-compressed, comma-separated")
    args = parser.parse_args()
    args.gzip = set(filter(None, args.gzip.split(",")))

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="sdk %(levelname)s %(name)s: %(message)s")
    journal = Journal(args.journal)
    started = time.time()

    tracer_provider = TracerProvider(resource=resource())
    span_batch = 512
    tracer_provider.add_span_processor(BatchSpanProcessor(
        RecordingSpanExporter(journal, **exporter_options(args, "traces")),
        max_queue_size=max(2048, args.spans), max_export_batch_size=span_batch, schedule_delay_millis=200,
    ))
    tracer = tracer_provider.get_tracer("outrider.sdk-test", SCOPE_VERSION, SCHEMA_URL, {"scope.team": "payments", "scope.tier": 1})

    providers = [tracer_provider]
    if args.scenario == "full":
        logger_provider = LoggerProvider(resource=resource())
        logger_provider.add_log_record_processor(BatchLogRecordProcessor(
            RecordingLogExporter(journal, **exporter_options(args, "logs")), schedule_delay_millis=200))
        meter_provider = MeterProvider(resource=resource(), metric_readers=[PeriodicExportingMetricReader(
            RecordingMetricExporter(journal, **exporter_options(args, "metrics")), export_interval_millis=3_600_000)])
        meter = meter_provider.get_meter("outrider.sdk-test.meter", SCOPE_VERSION, SCHEMA_URL, {"meter.kind": "business"})
        full_spans(tracer)
        full_logs(logger_provider, tracer)
        full_metrics(meter)
        providers += [logger_provider, meter_provider]
    elif args.scenario == "burst":
        burst_spans(tracer, args.spans)
    else:
        if not args.traceparent:
            parser.error("correlate needs --traceparent")
        correlated_span(tracer, args.traceparent)

    flushed = all(provider.force_flush() for provider in providers)
    for provider in providers:
        provider.shutdown()

    summary = {"exports": journal.exports, "failures": journal.failures, "flushed": flushed, "seconds": round(time.time() - started, 3)}
    print(json.dumps(summary, sort_keys=True))
    sys.exit(0 if flushed and not journal.failures else 1)


if __name__ == "__main__":
    main()
