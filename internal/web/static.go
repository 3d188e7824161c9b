package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
)

//go:embed static
var staticFS embed.FS

// staticFiles are the embedded assets, addressed as /static/<version>/<file>: the version is a hash of all
// files, so the URL changes whenever an asset does and browsers may cache them for a year.
type staticFiles struct {
	version string
	files   map[string][]byte
}

func loadStatic() (*staticFiles, error) {
	names, err := fs.Glob(staticFS, "static/*")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	st := &staticFiles{files: map[string][]byte{}}
	h := sha256.New()
	for _, n := range names {
		b, err := staticFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		st.files[path.Base(n)] = b
		h.Write([]byte(n))
		h.Write(b)
	}
	st.version = hex.EncodeToString(h.Sum(nil))[:12]
	return st, nil
}

// url is the address of a static file.
func (st *staticFiles) url(name string) string { return "/static/" + st.version + "/" + name }

// serveStatic answers /static/<version>/<file>. An outdated version still gets the current file, but without
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
