# mdw + the grocery warehouse project, as run by the CDK app's Fargate task (infra/) or any
# scheduler: `docker run <image> build --target athena --vars '{sales_layout: daily}'`.
# Built by `cdk deploy` (a CDK Docker asset); `docker build .` works the same locally.
FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY include ./include
# `npm ci` compiles the CLI (prepare script); then drop the compiler and linter.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/bin ./bin
COPY --from=build /app/include ./include
COPY dbt ./dbt
# dbt writes target/ and logs/ next to the project: owned by the unprivileged user.
RUN chown -R node:node /app/dbt
USER node
WORKDIR /app/dbt
ENTRYPOINT ["node", "/app/bin/mdw.js"]
CMD ["build", "--profiles-dir", ".", "--target", "athena", "--vars", "{sales_layout: daily}"]
