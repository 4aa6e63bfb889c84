// The Receivers module: sources that other programs push telemetry to (the OTLP/HTTP
// receiver). See ../shared/ARCHITECTURE.md: it may import Telemetry, Pipeline and OTLP.
