package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// staticFS is the whole static directory, so the Leaflet files `make assets` copies into static/vendor/ are
// embedded when they are there and the build still compiles when they are not.
//
//go:embed static
var staticFS embed.FS

// Leaflet's files as `make assets` places them; leaflet.css finds its images in vendor/leaflet/images/.
const (
	leafletJS  = "vendor/leaflet/leaflet.js"
	leafletCSS = "vendor/leaflet/leaflet.css"
)

// staticFiles are the embedded assets, addressed as /static/<version>/<path>: the version is a hash of all
// files, so the URL changes whenever an asset does and browsers may cache them for a year.
type staticFiles struct {
	version string
	files   map[string][]byte // by path below static/, e.g. "kette.css", "vendor/leaflet/leaflet.js"
}

// loadStatic reads every file below static/ of fsys (sorted by fs.WalkDir, so the version is stable).
func loadStatic(fsys fs.FS) (*staticFiles, error) {
	st := &staticFiles{files: map[string][]byte{}}
	h := sha256.New()
	err := fs.WalkDir(fsys, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		st.files[strings.TrimPrefix(name, "static/")] = b
		h.Write([]byte(name))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	st.version = hex.EncodeToString(h.Sum(nil))[:12]
	return st, nil
}

// url is the address of a static file.
func (st *staticFiles) url(name string) string { return "/static/" + st.version + "/" + name }

// hasLeaflet reports whether Leaflet was built into the binary (make assets); without it the results map stays
// the server-drawn SVG.
func (st *staticFiles) hasLeaflet() bool {
	return st.files[leafletJS] != nil && st.files[leafletCSS] != nil
}

// serveStatic answers /static/<version>/<path>. An outdated version still gets the current file, but without
// the long cache, so a page cached before a deployment keeps its styles.
func (s *server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, ok := s.static.files[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("version") == s.static.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+s.static.version+`"`)
	if r.Header.Get("If-None-Match") == `"`+s.static.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(b)
}
