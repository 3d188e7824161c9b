package config

import (
	"flag"
	"io"
	"testing"
)

func TestTheTileServerDefaultsToOpenStreetMapAndFollowsEnvironmentAndFlags(t *testing.T) {
	read := func(env map[string]string, args ...string) Config {
		t.Helper()
		c := Defaults()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if err := c.Flags(fs, func(k string) string { return env[k] }, "map"); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := read(nil); c.TileURL != "https://tile.openstreetmap.org/{z}/{x}/{y}.png" || c.TileAttribution != "© OpenStreetMap-Mitwirkende" {
		t.Fatalf("defaults: %q, %q", c.TileURL, c.TileAttribution)
	}
	env := map[string]string{"KETTE_TILE_URL": "https://tiles.kommune.example/{z}/{x}/{y}.png", "KETTE_TILE_ATTRIBUTION": "© Stadt"}
	if c := read(env); c.TileURL != env["KETTE_TILE_URL"] || c.TileAttribution != "© Stadt" {
		t.Fatalf("environment: %q, %q", c.TileURL, c.TileAttribution)
	}
	if c := read(env, "--tile-url", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "--tile-attribution-url", ""); c.TileURL != "https://{s}.tile.example.org/{z}/{x}/{y}.png" || c.TileAttributionURL != "" {
		t.Fatalf("flags: %q, %q", c.TileURL, c.TileAttributionURL)
	}
}
