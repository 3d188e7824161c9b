# Kette – the two commands are `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/kette

.PHONY: run build test check bench generate clean assets

## build: compile the kette binary into bin/ (with the web assets built first)
build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/kette

## run: start Kette with embedded SQLite (data/kette.db) and demo data on http://localhost:8080
run: build
	./$(BIN) serve --demo

## test: formatting, vet, then every test on SQLite and PostgreSQL (a throwaway server is started when
## PostgreSQL is installed and KETTE_TEST_POSTGRES is not set) and in headless Chromium
test: assets check
	scripts/with-postgres.sh scripts/test.sh ./...

## check: gofmt and go vet
check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## bench: the Go benchmarks (figures go to docs/benchmarks.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## generate: a national synthetic data set of 100,000 offers in data/national.db
generate: build
	rm -f data/national.db data/national.db-wal data/national.db-shm
	./$(BIN) generate --db sqlite:data/national.db --offers 100000

clean:
	rm -rf bin

## assets: Leaflet for the interactive results map, pinned in tools/assets/package-lock.json, installed with npm ci
## and copied into internal/web/static/vendor/leaflet (git-ignored, embedded into the binary). Without npm the
## build goes on and the results map stays the server-drawn SVG.
LEAFLET := internal/web/static/vendor/leaflet
assets: $(LEAFLET)/leaflet.js

$(LEAFLET)/leaflet.js: tools/assets/package.json tools/assets/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "assets: npm not found – the results map stays server-drawn (install Node.js and npm for the interactive map)"; \
	  exit 0; \
	fi; \
	set -e; \
	npm ci --no-audit --no-fund --prefix tools/assets; \
	rm -rf $(LEAFLET); mkdir -p $(LEAFLET)/images; \
	cp tools/assets/node_modules/leaflet/dist/leaflet.js tools/assets/node_modules/leaflet/dist/leaflet.css \
	  tools/assets/node_modules/leaflet/LICENSE $(LEAFLET)/; \
	cp tools/assets/node_modules/leaflet/dist/images/*.png $(LEAFLET)/images/; \
	echo "assets: Leaflet copied into $(LEAFLET)"
