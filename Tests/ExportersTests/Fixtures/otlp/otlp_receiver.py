"""An OTLP/HTTP receiver built on the official opentelemetry-proto classes (PyPI's
`opentelemetry-proto`), for the exporter's tests: an implementation other than ours.

It listens on 127.0.0.1:PORT, decodes each POST to /v1/logs, /v1/metrics or /v1/traces
(protobuf or OTLP/JSON, gzip when Content-Encoding says so) with the official message
classes, and appends one JSON line per request to OUT:

  {"path", "headers", "request": MessageToDict(decoded), "protobuf": base64 of the decoded
   message re-serialized, "answered": the response it gave}   or   {"path", "headers", "error"}

It answers 200 with an empty Export*ServiceResponse, or what --responses says for the
next requests in turn: a JSON list of {"status": 503, "retry_after": "7", "message": "…"},
{"status": 200, "rejected": 2, "message": "…"} (partial_success) or {"status": 200,
"garbage": true}. Responses are in the request's encoding, errors as google.rpc.Status.
GET /healthz answers 200 once it listens. It exits by itself after --lifetime seconds.

--capture PATH (repeatable) also takes POSTs to PATH that are not OTLP, a Loki push for one:
their JSON body (gzip when so encoded) is recorded as it came, {"path", "headers", "body"},
and answered 204.
"""

import argparse
import base64
import gzip
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

SIGNALS = {
    "/v1/logs": (logs_service_pb2.ExportLogsServiceRequest, logs_service_pb2.ExportLogsServiceResponse, "rejected_log_records"),
    "/v1/metrics": (metrics_service_pb2.ExportMetricsServiceRequest, metrics_service_pb2.ExportMetricsServiceResponse, "rejected_data_points"),
    "/v1/traces": (trace_service_pb2.ExportTraceServiceRequest, trace_service_pb2.ExportTraceServiceResponse, "rejected_spans"),
}

# OTLP/JSON writes these as hex where the proto3 JSON mapping has base64.
ID_FIELDS = {"traceId", "spanId", "parentSpanId"}


def hex_ids_to_base64(node):
    if isinstance(node, dict):
        return {
            key: base64.b64encode(bytes.fromhex(value)).decode() if key in ID_FIELDS and isinstance(value, str) else hex_ids_to_base64(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [hex_ids_to_base64(item) for item in node]
    return node


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def rpc_status(code, message):
    """google.rpc.Status {code = 1; message = 2}, by hand: the venv has no googleapis protos."""
    text = message.encode()
    return b"\x08" + varint(code) + b"\x12" + varint(len(text)) + text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0, help="0: any free port, written to --port-file")
    parser.add_argument("--port-file", help="where the bound port is written once listening")
    parser.add_argument("--out", required=True)
    parser.add_argument("--responses", default="[]")
    parser.add_argument("--lifetime", type=float, default=120)
    parser.add_argument("--capture", action="append", default=[], help="a non-OTLP path whose JSON bodies are recorded")
    args = parser.parse_args()

    responses = json.loads(args.responses)
    lock = threading.Lock()
    out = open(args.out, "a", encoding="utf-8")

    def record(entry):
        with lock:
            out.write(json.dumps(entry, sort_keys=True) + "\n")
            out.flush()

    def next_response():
        with lock:
            return responses.pop(0) if responses else {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *arguments):
            pass

        def answer(self, status, body=b"", content_type="text/plain", headers=()):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            self.answer(200 if self.path == "/healthz" else 404, b"ok")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            entry = {"path": self.path, "headers": {name.lower(): value for name, value in self.headers.items()}}
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            is_json = content_type == "application/json"
            if self.path in args.capture:
                try:
                    entry["body"] = json.loads(gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body)
                except Exception as error:  # recorded, and refused, so the test sees what was wrong
                    entry["error"] = "%s: %s" % (type(error).__name__, error)
                    record(entry)
                    self.answer(400, entry["error"].encode())
                    return
                record(entry)
                self.answer(204)
                return
            if self.path not in SIGNALS:
                entry["error"] = "unknown path"
                record(entry)
                self.answer(404, b"unknown path")
                return
            request_type, response_type, rejected_field = SIGNALS[self.path]
            try:
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                if content_type == "application/x-protobuf":
                    message = request_type.FromString(body)
                elif is_json:
                    message = json_format.ParseDict(hex_ids_to_base64(json.loads(body)), request_type())
                else:
                    raise ValueError("unsupported Content-Type %r" % content_type)
            except Exception as error:  # anything undecodable is the exporter's bug: say what
                entry["error"] = "%s: %s" % (type(error).__name__, error)
                record(entry)
                self.answer(400, json.dumps({"code": 3, "message": entry["error"]}).encode() if is_json else rpc_status(3, entry["error"]),
                            "application/json" if is_json else "application/x-protobuf")
                return
            response = next_response()
            entry["request"] = json_format.MessageToDict(message)
            entry["protobuf"] = base64.b64encode(message.SerializeToString()).decode()
            entry["answered"] = response
            record(entry)

            status = response.get("status", 200)
            reply_type = "application/json" if is_json else "application/x-protobuf"
            if status != 200:
                message_text = response.get("message", "")
                reply = json.dumps({"code": 14, "message": message_text}).encode() if is_json else rpc_status(14, message_text)
                headers = [("Retry-After", response["retry_after"])] if "retry_after" in response else []
                self.answer(status, reply, reply_type, headers)
                return
            if response.get("garbage"):
                self.answer(200, b"\xff\x00 not a response", reply_type)
                return
            reply = response_type()
            if "rejected" in response or "message" in response:
                setattr(reply.partial_success, rejected_field, response.get("rejected", 0))
                reply.partial_success.error_message = response.get("message", "")
            body = json_format.MessageToJson(reply).encode() if is_json else reply.SerializeToString()
            self.answer(200, body, reply_type)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.port_file:
        # Bound before it is announced, and announced atomically: no other process can hold
        # the port in between, as it could with a port picked first and bound later.
        with open(args.port_file + ".tmp", "w") as handle:
            handle.write(str(server.server_address[1]))
        os.rename(args.port_file + ".tmp", args.port_file)
    timer = threading.Timer(args.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    server.serve_forever()


if __name__ == "__main__":
    main()
