# AILoad in Docker: built on Debian 12 with the same script as the README, run as a
# non-root user. The config lives in the volume /opt/aiload/data (seeded on first start).
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN AILOAD_CMAKE_ARGS="-DAILOAD_BUILD_TESTS=OFF" scripts/build.sh --install-deps \
 && cmake --install build --prefix /opt/aiload

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
      libpocofoundation80 libpoconet80 libpoconetssl80 libpococrypto80 libpocojson80 libpocoutil80 libpocoxml80 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /opt/aiload --shell /usr/sbin/nologin aiload
COPY --from=build /opt/aiload /opt/aiload
WORKDIR /opt/aiload
RUN mkdir -p data && chown aiload:aiload data && chmod 700 data
USER aiload
VOLUME /opt/aiload/data
EXPOSE 2081
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/aiload/bin/aiload"]
CMD ["--properties=/opt/aiload/etc/aiload.properties"]
