# syntax=docker/dockerfile:1
# The Outrider image: `docker build -t ghcr.io/outrider/outrider:0.1.0 .`
#
# Stage 1 builds a release binary with the Swift runtime linked in (--static-swift-stdlib);
# stage 2 is Debian slim with only the C libraries the binary loads (libyaml, libsnappy,
# zlib), CA certificates for https backends, and a non-root user. The binary is the
# entrypoint: nothing at run time needs a shell. The manifests run it read-only as 10001.
# CI cannot run `docker build` here (no engine): it lints this file with hadolint
# (Tests/BundleTests/ContainerImageTests.swift). Package pins follow Debian 12's archive:
# update them with the base images.

FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libyaml-dev=0.2.5-1 libsnappy-dev=1.1.9-3 zlib1g-dev=1:1.2.13.dfsg-1 pkg-config=1.8.1-1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Manifests first: the dependency checkout is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# /metrics' outrider_build_info{revision}: the build context has no .git, so pass it:
#   --build-arg OUTRIDER_GIT_COMMIT=$(git rev-parse --short=12 HEAD)
# Declared here, not above: a new value must not invalidate the resolved dependencies.
ARG OUTRIDER_GIT_COMMIT=unknown
RUN swift build -c release --static-swift-stdlib --product outrider \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/outrider" /out/outrider

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libyaml-0-2=0.2.5-1 libsnappy1v5=1.1.9-3 zlib1g=1:1.2.13.dfsg-1 ca-certificates=20230311+deb12u1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 outrider \
    && useradd --system --uid 10001 --gid outrider --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin outrider \
    && install -d -o outrider -g outrider -m 0750 /var/lib/outrider
COPY --from=build /out/outrider /usr/local/bin/outrider
COPY manifests/base/sidecar.yaml /etc/outrider/config/outrider.yaml
USER 10001:10001
# The metrics and probe port; the OTLP receiver (4318) listens on the pod's loopback only.
EXPOSE 8686
ENTRYPOINT ["/usr/local/bin/outrider"]
CMD ["run", "--config", "/etc/outrider/config/outrider.yaml"]
