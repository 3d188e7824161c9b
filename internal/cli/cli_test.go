package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kette-org/kette/internal/cli"
	"github.com/kette-org/kette/internal/demo"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/webtest"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(context.Background(), cli.Env{Args: args, Getenv: func(string) string { return "" },
		Stdout: &out, Stderr: &errOut, Version: "test"})
	return code, out.String(), errOut.String()
}

func TestVersionAndUnknownCommand(t *testing.T) {
	if code, out, _ := run(t, "version"); code != 0 || out != "kette test\n" {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errOut := run(t, "zaubern"); code != 2 || !strings.Contains(errOut, "Unbekannter Befehl") {
		t.Fatalf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, "serve", "--db", "mysql://x"); code != 1 || !strings.Contains(errOut, "Die Datenbankangabe ist ungültig") {
		t.Fatalf("bad dsn: %d %q", code, errOut)
	}
}

func TestEnvironmentVariablesConfigureTheDatabase(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	var out bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{Args: []string{"migrate"}, Stdout: &out, Stderr: io.Discard,
		Getenv: func(k string) string {
			if k == "KETTE_DB" {
				return dsn
			}
			return ""
		}})
	if code != 0 || !strings.Contains(out.String(), "Schema jetzt Version") {
		t.Fatalf("migrate via KETTE_DB: %d %q", code, out.String())
	}
	s, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err := s.Status(context.Background()); err != nil || !st.UpToDate() {
		t.Fatalf("after migrate via KETTE_DB the schema is %+v (%v), want up to date", st, err)
	}
	if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err != nil {
		t.Fatalf("database file not created at KETTE_DB: %v", err)
	}
}

func TestServeRefusesAnOutdatedSchema(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			code, _, errOut := run(t, "serve", "--db", storetest.DSN(t, d), "--addr", "127.0.0.1:0")
			if code != 1 || !strings.Contains(errOut, "Das Datenbankschema ist nicht aktuell") {
				t.Fatalf("serve on an empty database: %d %q", code, errOut)
			}
		})
	}
}

// buildKette compiles the real binary once per test run.
func buildKette(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kette")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/kette")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

// TestServeDemoAnswersAndStopsOnSIGTERM runs the real binary like `make run` does: serve --demo on an empty
// database, then the API lists the four demo Kommunen, and SIGTERM ends the process cleanly.
func TestServeDemoAnswersAndStopsOnSIGTERM(t *testing.T) {
	bin := buildKette(t)
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0")
			cmd.Env = append(os.Environ(), "KETTE_DB="+storetest.DSN(t, d))
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stdout bytes.Buffer
			cmd.Stdout = &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			addr, logs := waitForListen(t, stderr)
			base := "http://" + addr
			var ready map[string]any
			if code := getJSON(t, base+"/readyz", &ready); code != 200 || ready["status"] != "ready" {
				t.Fatalf("readyz: %d %v", code, ready)
			}
			if code := getJSON(t, base+"/healthz", nil); code != 200 {
				t.Fatalf("healthz: %d", code)
			}
			var list struct {
				Items []struct {
					AGS    string `json:"ags"`
					Offers int    `json:"offers"`
				} `json:"items"`
			}
			if code := getJSON(t, base+"/api/v1/kommunen", &list); code != 200 {
				t.Fatalf("kommunen: %d", code)
			}
			got := map[string]bool{}
			for _, k := range list.Items {
				got[k.AGS] = k.Offers > 0
			}
			for _, ags := range []string{"03101000", "03241001", "03355022", "03403000"} {
				if !got[ags] {
					t.Errorf("demo Kommune %s missing or without offers in %+v", ags, list.Items)
				}
			}
			// Every role has a demo account; the coordinator's works with the published password.
			c := webtest.New(t, base)
			if p := c.Post("/anmelden", url.Values{"email": {"koordination@demo.kette.example"}, "password": {demo.Password}}); p.Status != 303 {
				t.Fatalf("demo coordinator login: %d", p.Status)
			}
			if p := c.Get("/verwaltung/kommunen/03241001/freigaben"); p.Status != 200 {
				t.Fatalf("demo coordinator's approvals: %d", p.Status)
			}
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// The log reaches EOF when the process has exited; only then may Wait close the pipe.
			select {
			case <-logs.done:
			case <-time.After(15 * time.Second):
				t.Fatal("no exit within 15 s of SIGTERM")
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
			for _, email := range []string{"land@", "koordination@", "redaktion@", "begutachtung@", "foerderung@"} {
				if !strings.Contains(stdout.String(), email+"demo.kette.example") {
					t.Errorf("start output lists no %s demo account:\n%s", email, stdout.String())
				}
			}
			if !strings.Contains(logs.String(), "msg=stopped") {
				t.Fatalf("no graceful stop in the log:\n%s", logs.String())
			}
		})
	}
}

var listenLine = regexp.MustCompile(`msg=listening addr=(\S+)`)

// waitForListen reads the server log until it names its address, and keeps collecting the log afterwards.
func waitForListen(t *testing.T, r io.Reader) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			logs.WriteLine(sc.Text())
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		close(logs.done)
	}()
	select {
	case addr := <-found:
		return addr, logs
	case <-time.After(90 * time.Second):
		t.Fatalf("server did not start:\n%s", logs.String())
		return "", nil
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	return resp.StatusCode
}
