# callsim in a container: the packed package, installed into a clean directory, as
# `npm pack` users get it (test/package/packed.test.ts runs that same layout).
#   docker build -t callsim .
#   docker run --rm -p 10010:10010 callsim --seed 42
FROM node:20-slim AS pack
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp

FROM node:20-slim
WORKDIR /opt/callsim
COPY --from=pack /tmp/callsim-*.tgz /tmp/
RUN npm install --no-audit --no-fund /tmp/callsim-*.tgz && rm /tmp/callsim-*.tgz
# Inside a container the port is published from outside: listen on every interface.
ENV CALLSIM_HOST=0.0.0.0
EXPOSE 10010
USER node
ENTRYPOINT ["/opt/callsim/node_modules/.bin/callsim"]
