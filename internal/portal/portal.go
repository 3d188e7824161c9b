// Package portal is a Kommune's own public Familienwegweiser: its name, logo, colours and introduction, its
// host name or path, the sites allowed to embed it, and the pages German law requires of every public site
// (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit with a feedback form, Leichte Sprache).
// Colours are checked for WCAG 2.1 AA contrast against white text and rendered into a style sheet, never
// inline, so the strict Content-Security-Policy holds.
package portal

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/kette-org/kette/internal/errs"
)

// Portal is the public face of one Kommune.
type Portal struct {
	KommuneID      uuid.UUID `json:"kommune_id"`
	Host           string    `json:"host,omitempty"` // e.g. familie.hannover.de; empty: only under /portal/{ags}
	Title          string    `json:"title"`
	Intro          string    `json:"intro"`
	PrimaryColor   string    `json:"primary_color"` // #rrggbb, white text on it must reach 4.5:1
	FrameAncestors []string  `json:"frame_ancestors,omitempty"`
	Impressum      string    `json:"impressum"`
	Privacy        string    `json:"privacy"`       // Datenschutzerklärung
	Accessibility  string    `json:"accessibility"` // Erklärung zur Barrierefreiheit
	EasyLanguage   string    `json:"easy_language"` // Leichte Sprache
	FeedbackEmail  string    `json:"feedback_email,omitempty"`
	Logo           []byte    `json:"-"`
	LogoType       string    `json:"logo_type,omitempty"` // image/png or image/jpeg
	UpdatedAt      time.Time `json:"updated_at"`
}

// DefaultColor is Kette's own blue.
const DefaultColor = "#1a4f8b"

// Limits of the texts and the logo.
const (
	MaxTitle   = 120
	MaxText    = 20000
	MaxLogo    = 200 * 1024
	MaxOrigins = 10
)

var (
	hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	hostname = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// Normalize trims the fields and lowers the host and colour.
func (p *Portal) Normalize() {
	p.Host = strings.ToLower(strings.TrimSpace(p.Host))
	p.Title, p.Intro = strings.TrimSpace(p.Title), strings.TrimSpace(p.Intro)
	p.PrimaryColor = strings.ToLower(strings.TrimSpace(p.PrimaryColor))
	if p.PrimaryColor == "" {
		p.PrimaryColor = DefaultColor
	}
	p.FeedbackEmail = strings.TrimSpace(p.FeedbackEmail)
	var origins []string
	for _, o := range p.FrameAncestors {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			origins = append(origins, strings.ToLower(o))
		}
	}
	p.FrameAncestors = origins
}

// Validate checks every rule; the messages are in portal.*.json.
func (p Portal) Validate() error {
	var v errs.Validation
	if p.Title == "" {
		v.Add("title", "validation.required", nil)
	} else if utf8.RuneCountInString(p.Title) > MaxTitle {
		v.Add("title", "validation.too_long", map[string]any{"Max": MaxTitle})
	}
	for field, text := range map[string]string{"intro": p.Intro, "impressum": p.Impressum, "privacy": p.Privacy,
		"accessibility": p.Accessibility, "easy_language": p.EasyLanguage} {
		if utf8.RuneCountInString(text) > MaxText {
			v.Add(field, "validation.too_long", map[string]any{"Max": MaxText})
		}
	}
	if p.Host != "" && !hostname.MatchString(p.Host) {
		v.Add("host", "portal.validation.host", map[string]any{"Value": p.Host})
	}
	if !hexColor.MatchString(p.PrimaryColor) {
		v.Add("primary_color", "portal.validation.color", map[string]any{"Value": p.PrimaryColor})
	} else if c := Contrast(p.PrimaryColor, "#ffffff"); c < 4.5 {
		v.Add("primary_color", "portal.validation.contrast", map[string]any{"Ratio": fmt.Sprintf("%.1f", c)})
	}
	if len(p.FrameAncestors) > MaxOrigins {
		v.Add("frame_ancestors", "portal.validation.too_many_origins", map[string]any{"Max": MaxOrigins})
	}
	for _, o := range p.FrameAncestors {
		if !validOrigin(o) {
			v.Add("frame_ancestors", "portal.validation.origin", map[string]any{"Value": o})
		}
	}
	if p.FeedbackEmail != "" && (!strings.Contains(p.FeedbackEmail, "@") || strings.ContainsAny(p.FeedbackEmail, " <>")) {
		v.Add("feedback_email", "validation.email", map[string]any{"Value": p.FeedbackEmail})
	}
	if len(p.Logo) > MaxLogo {
		v.Add("logo", "portal.validation.logo_size", map[string]any{"Max": MaxLogo / 1024})
	}
	if len(p.Logo) > 0 && p.LogoType != "image/png" && p.LogoType != "image/jpeg" {
		v.Add("logo", "portal.validation.logo_type", nil)
	}
	return v.Err()
}

// validOrigin accepts https origins (scheme and host, optional port, nothing else): what a CSP frame-ancestors
// source may name without opening it to more than the Kommune's own site.
func validOrigin(o string) bool {
	u, err := url.Parse(o)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	return hostname.MatchString(u.Hostname())
}

// Contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours (1 to 21).
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of WCAG 2.1.
func luminance(hex string) float64 {
	channel := func(i int) float64 {
		n, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(n) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(1) + 0.7152*channel(3) + 0.0722*channel(5)
}

// CSS is the portal's style sheet: its colour on the header, links and buttons. Only validated colours get here.
func (p Portal) CSS() string {
	c := p.PrimaryColor
	if !hexColor.MatchString(c) {
		c = DefaultColor
	}
	return fmt.Sprintf(`.portal .site-header { background: %[1]s; color: #fff; }
.portal .site-header a { color: #fff; }
.portal .button { background: %[1]s; color: #fff; }
.portal main a:not(.button) { color: %[1]s; }
`, c)
}

// FrameAncestorsCSP is the CSP source list for the embed: the portal's own origins, or 'none'.
func (p Portal) FrameAncestorsCSP() string {
	if len(p.FrameAncestors) == 0 {
		return "'none'"
	}
	return strings.Join(p.FrameAncestors, " ")
}

// Feedback is a message sent through the accessibility statement's form: someone reports a barrier.
type Feedback struct {
	ID        uuid.UUID  `json:"id"`
	KommuneID *uuid.UUID `json:"kommune_id,omitempty"`
	Page      string     `json:"page"`
	Message   string     `json:"message"`
	Contact   string     `json:"contact,omitempty"` // e-mail or phone, only if the person wants an answer
	CreatedAt time.Time  `json:"created_at"`
}

// MaxFeedback caps a message.
const MaxFeedback = 5000

// Validate checks a feedback message.
func (f Feedback) Validate() error {
	var v errs.Validation
	if strings.TrimSpace(f.Message) == "" {
		v.Add("message", "validation.required", nil)
	} else if utf8.RuneCountInString(f.Message) > MaxFeedback {
		v.Add("message", "validation.too_long", map[string]any{"Max": MaxFeedback})
	}
	if utf8.RuneCountInString(f.Contact) > 200 {
		v.Add("contact", "validation.too_long", map[string]any{"Max": 200})
	}
	if utf8.RuneCountInString(f.Page) > 500 {
		v.Add("page", "validation.too_long", map[string]any{"Max": 500})
	}
	return v.Err()
}
