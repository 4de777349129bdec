# syntax=docker/dockerfile:1
#
# The image of every Java service (Spring Boot), one per Maven module. Build context = repository root:
#   docker build -f docker/java.Dockerfile --build-arg SERVICE=gateway --build-arg PORT=8080 .
# compose.yaml passes the two build args per service; checks/test_compose_policy.py holds them to the
# launcher's table (launcher/config.py).
#
# SERVICE: the Maven module (gateway, auth-service, notification-service); its jar is
#          <module>/target/<module>.jar (the parent pom's finalName).
# PORT:    the port the service listens on (documentation for `docker run -P`; the service reads its own
#          <NAME>_PORT variable).

# ---- console: the web console the gateway serves (its console-dir, CONSOLE_DIR: /app/console/dist), built with
# its locked dependencies and the committed contract types it imports; an empty folder for the other services.
FROM node:20.20.2-bookworm-slim AS console
ARG SERVICE
WORKDIR /src
COPY console/package.json console/package-lock.json console/
RUN --mount=type=cache,target=/root/.npm \
    if [ "${SERVICE:?}" = gateway ]; then npm ci --prefix console --no-audit --no-fund --ignore-scripts; fi
COPY console/ console/
COPY contracts/types/typescript/src/ contracts/types/typescript/src/
RUN mkdir -p console/dist \
    && if [ "${SERVICE}" = gateway ]; then npm run --prefix console build; fi

# ---- build: compile the module and the reactor modules it needs, then split the jar into layers
FROM eclipse-temurin:17.0.20.1_1-jdk-noble AS build
ARG SERVICE
WORKDIR /src

# Maven reads every <module> of the parent pom before it honours -pl, so all module poms must be
# present; only the sources of this module, of java-service-kit and of contract-types (its committed
# constants and the schemas its classes are generated from) are copied, which keeps this layer (and
# the build) independent of edits to the other services.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY java-service-kit/ java-service-kit/
COPY contracts/types/java/pom.xml contracts/types/java/
COPY contracts/types/java/src/main/ contracts/types/java/src/main/
COPY contracts/events/schemas/ contracts/events/schemas/
COPY contracts/websocket/schemas/ contracts/websocket/schemas/
COPY contracts/clients/java/pom.xml contracts/clients/java/
COPY e2e/java/pom.xml e2e/java/
COPY sandbox/java/pom.xml sandbox/java/
# The HTTP interfaces and models are generated from the contract at build time; the gateway also serves
# the OpenAPI documents and the schemas they $ref at /contracts/** (/docs).
COPY contracts/openapi/ contracts/openapi/
COPY contracts/schemas/ contracts/schemas/
COPY gateway/pom.xml gateway/
COPY auth-service/pom.xml auth-service/
COPY notification-service/pom.xml notification-service/
# ${SERVICE:?}: a build without --build-arg SERVICE fails here instead of copying the whole context.
COPY ${SERVICE:?}/ ${SERVICE}/

# The cache mount keeps ~/.m2 (downloaded dependencies and the wrapper's Maven distribution)
# between builds without baking it into a layer. sharing=locked: compose builds the three Java
# images in parallel and Maven's local repository is not safe for concurrent writers.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    ./mvnw --batch-mode --no-transfer-progress -pl "${SERVICE}" -am -DskipTests package

# Boot 4 tools jar mode: with --launcher the jar's own entries are extracted per layer
# (layers.idx), so the runtime stage starts Boot's JarLauncher from a plain folder.
RUN java -Djarmode=tools -jar "${SERVICE}/target/${SERVICE}.jar" \
        extract --layers --launcher --destination /layers

# ---- runtime: JRE only, non-root, layers ordered from least to most frequently changed
FROM eclipse-temurin:17.0.20.1_1-jre-noble AS runtime
ARG PORT

# A fixed numeric UID lets orchestrators verify "runAsNonRoot" without reading /etc/passwd.
# /app/var is PLATFORM_DATA_DIR's default (./var): the only place the service may write.
RUN groupadd --system --gid 10001 polyglot \
    && useradd --system --uid 10001 --gid polyglot --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin polyglot \
    && mkdir -p /app/var \
    && chown polyglot:polyglot /app/var
WORKDIR /app

# Code stays owned by root, so the running service cannot modify itself.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
COPY --from=console /src/console/dist/ ./console/dist/

USER 10001:10001
EXPOSE ${PORT:?}

# The heap follows the container's memory limit (60% leaves room for metaspace, threads and
# Netty's direct buffers); exiting on OOM lets the restart policy replace a broken JVM instead
# of keeping it half alive. Extra JVM flags: set JAVA_TOOL_OPTIONS on the container.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60.0", "-XX:+ExitOnOutOfMemoryError", \
    "org.springframework.boot.loader.launch.JarLauncher"]
