# Kette – the two commands are `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/kette

.PHONY: run build test check bench generate clean

## build: compile the kette binary into bin/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/kette

## run: start Kette with embedded SQLite (data/kette.db) and demo data on http://localhost:8080
run: build
	./$(BIN) serve --demo

## test: formatting, vet, then every test on SQLite and PostgreSQL (a throwaway server is started when
## PostgreSQL is installed and KETTE_TEST_POSTGRES is not set) and in headless Chromium
test: check
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
