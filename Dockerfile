# syntax=docker/dockerfile:1
# The orggraph API: built in the Go image, run from a static binary as a
# non-root user with the seed data beside it.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/orggraph ./cmd/orggraph

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/orggraph /app/orggraph
COPY seed /app/seed
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/app/orggraph"]
CMD ["serve", "--store", "neo4j"]
