# AILoad in Docker: built on Debian 12 with the same script as the README, run as a
# non-root user. The config lives in the volume /opt/aiload/data (seeded on first start).
# scripts/oci.sh builds and runs it with docker, or podman; test/packaging/docker-test.sh
# builds, runs and measures it.
FROM debian:12 AS build
WORKDIR /src
# The compiler and libraries in a layer of their own, reused until build.sh changes.
COPY scripts/build.sh scripts/
RUN scripts/build.sh --only-deps
COPY . .
RUN AILOAD_CMAKE_ARGS="-DAILOAD_BUILD_TESTS=OFF" scripts/build.sh \
 && cmake --install build --prefix /opt/aiload --strip \
 && rm -rf /opt/aiload/include /opt/aiload/lib/cmake \
 && install -m 0755 packaging/docker/aiload-healthcheck /opt/aiload/bin/

# Only what the gateway needs at run time: its libraries, the CA store, the binary, the
# plugins, the properties and the health check (docs/packaging.md has the sizes).
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
      libpocofoundation80 libpoconet80 libpoconetssl80 libpococrypto80 libpocojson80 libpocoutil80 \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old \
 && useradd --system --uid 10001 --home-dir /opt/aiload --shell /usr/sbin/nologin aiload
COPY --from=build /opt/aiload /opt/aiload
WORKDIR /opt/aiload
# data/: the config (the volume); log/: the access log (aiload.accessLog.path, log/access.log).
RUN mkdir -p data log && chown aiload:aiload data log && chmod 700 data log
USER aiload
VOLUME /opt/aiload/data
EXPOSE 2081
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/opt/aiload/bin/aiload-healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/aiload/bin/aiload"]
CMD ["--properties=/opt/aiload/etc/aiload.properties"]
