package portal_test

import (
	"math"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/portal"
)

func TestContrastFollowsWCAG(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#777777", "#ffffff", 4.48}, // the classic grey that just fails AA
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes
	} {
		if got := portal.Contrast(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast %s on %s = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	e := errs.As(err)
	if err == nil || e.Code != errs.Invalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestAPortalWithUnreadableColourUnsafeOriginOrBadHostIsRefused(t *testing.T) {
	p := portal.Portal{Title: "Familienwegweiser Hannover", PrimaryColor: "#999999", Host: "familie hannover",
		FrameAncestors: []string{"http://www.hannover.de", "https://www.hannover.de/pfad", "*"}, Logo: []byte("x"), LogoType: "image/svg+xml"}
	p.Normalize()
	got := fields(t, p.Validate())
	for field, msg := range map[string]string{"primary_color": "portal.validation.contrast", "host": "portal.validation.host",
		"frame_ancestors": "portal.validation.origin", "logo": "portal.validation.logo_type"} {
		if got[field] != msg {
			t.Errorf("%s: %q, want %q", field, got[field], msg)
		}
	}
	ok := portal.Portal{Title: "Familienwegweiser", PrimaryColor: "#0B5394", Host: "Familie.Hannover.de ",
		FrameAncestors: []string{"https://www.hannover.de/", "https://intranet.hannover.de:8443"}}
	ok.Normalize()
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good portal: %v", err)
	}
	if ok.Host != "familie.hannover.de" || ok.FrameAncestorsCSP() != "https://www.hannover.de https://intranet.hannover.de:8443" {
		t.Fatalf("normalized: %q %q", ok.Host, ok.FrameAncestorsCSP())
	}
	if !strings.Contains(ok.CSS(), "#0b5394") {
		t.Fatalf("css: %s", ok.CSS())
	}
	if (portal.Portal{}).FrameAncestorsCSP() != "'none'" {
		t.Fatal("without origins nobody may embed")
	}
}
