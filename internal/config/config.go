// Package config is Kette's one configuration struct, read from command-line flags with KETTE_* environment
// variables as defaults. It is built once in main and passed down; nothing reads the environment elsewhere.
package config

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting.
type Config struct {
	DB              string        // sqlite:path or postgres://…
	Addr            string        // listen address of serve
	Demo            bool          // serve: load demo data into an empty database
	Migrate         bool          // serve: apply pending migrations instead of refusing to start
	LogFormat       string        // text or json
	LogLevel        string        // debug, info, warn, error
	ShutdownTimeout time.Duration // how long serve waits for requests on SIGTERM
	Offers          int           // generate: number of offers
	Seed            uint64        // generate: random seed
	DistrictsFile   string        // generate: override the shipped districts.csv
	Progress        bool          // show progress bars on the terminal
	Email           string        // user add, token add: the account's e-mail address
	Role            string        // user add: role code
	KommuneAGS      string        // user add: the Kommune of the account (AGS)
	LandCode        string        // user add: the Land of a land_admin (01–16)
	Organizations   []string      // user add: organization ids of a provider_editor (repeatable flag)
	DisplayName     string        // user add: display name
	Password        string        // user add: password; asked for on the terminal when empty
	TokenName       string        // token add: what the token is for

	// Single sign-on with OpenID Connect (package oidc); off while OIDCIssuer is empty.
	OIDCIssuer       string // issuer URL of the identity provider, e.g. https://login.example.org/realms/kommune
	OIDCClientID     string // client id registered at the provider
	OIDCClientSecret string // client secret; empty for a public client (PKCE only)
	OIDCRedirectURL  string // Kette's callback URL registered at the provider
	OIDCScopes       string // extra scopes, comma-separated; openid, email and profile are always asked for
	OIDCRoleClaim    string // claim holding the group or role names, e.g. groups, roles, realm_access.roles
	OIDCRoles        string // claim value→role mapping: "value=role:AGS,value2=land_admin:03"
	OIDCSyncRoles    bool   // the provider decides role and scope of existing accounts at every login
	OIDCCookieKey    string // key authenticating the login cookie; the same on every instance behind a load balancer

	// Outgoing e-mail (package mail): invitations, password resets, freshness reminders; off while SMTPHost is empty.
	SMTPHost     string // SMTP server
	SMTPPort     int    // SMTP port, 587 for starttls, 465 for tls, 25 for none
	SMTPUser     string // SMTP user name; empty: no authentication
	SMTPPassword string // SMTP password
	SMTPFrom     string // sender address, e.g. "Kette <kette@kommune.example>"
	SMTPTLS      string // none, starttls or tls

	// PublicURL is the site's address for links in e-mails, e.g. https://kette.kommune.example.
	PublicURL string

	// Freshness rules (package freshness), in months since an offer's last confirmation.
	RemindAfterMonths int // providers are reminded by e-mail
	HideAfterMonths   int // the offer is hidden from the public search and the coordinators are told

	// The interactive results map (package web): a Leaflet tile template and the credit its server requires.
	TileURL            string
	TileAttribution    string
	TileAttributionURL string

	// MinCell is the minimum cell size of indicator values (package indicator, Privacy): smaller counts, and rates
	// with a smaller numerator, are never shown or exported.
	MinCell int
}

// Defaults returns the configuration without flags or environment.
func Defaults() Config {
	return Config{DB: "sqlite:data/kette.db", Addr: ":8080", LogFormat: "text", LogLevel: "info",
		ShutdownTimeout: 20 * time.Second, Offers: 100000, Seed: 1, Progress: true, OIDCRoleClaim: "groups", OIDCSyncRoles: true,
		SMTPPort: 587, SMTPTLS: "starttls", RemindAfterMonths: 11, HideAfterMonths: 13, MinCell: 3,
		TileURL: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", TileAttribution: "© OpenStreetMap-Mitwirkende",
		TileAttributionURL: "https://www.openstreetmap.org/copyright"}
}

// Flags registers the settings of one subcommand on fs; env supplies KETTE_* defaults.
// which lists the setting names the subcommand uses ("db", "addr", …).
func (c *Config) Flags(fs *flag.FlagSet, env func(string) string, which ...string) error {
	var firstErr error
	envDefault := func(name string) string { return env("KETTE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))) }
	str := func(p *string, name, usage string) {
		if v := envDefault(name); v != "" {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (KETTE_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")")
	}
	boolean := func(p *bool, name, usage string) {
		if v := envDefault(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("KETTE_%s: %q is not true or false", strings.ToUpper(name), v)
			}
			*p = b
		}
		fs.BoolVar(p, name, *p, usage)
	}
	integer := func(p *int, name, usage string) {
		if v := envDefault(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("KETTE_%s: %q is not a number", strings.ToUpper(strings.ReplaceAll(name, "-", "_")), v)
			}
			*p = n
		}
		fs.IntVar(p, name, *p, usage+" (KETTE_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+")")
	}
	for _, name := range which {
		switch name {
		case "db":
			str(&c.DB, "db", "database: sqlite:path/to/file.db or postgres://user@host/db")
		case "addr":
			str(&c.Addr, "addr", "listen address")
		case "demo":
			boolean(&c.Demo, "demo", "load demo data when the database is empty")
		case "migrate":
			boolean(&c.Migrate, "migrate", "apply pending migrations at start instead of refusing to run")
		case "log":
			str(&c.LogFormat, "log-format", "log format: text or json")
			str(&c.LogLevel, "log-level", "log level: debug, info, warn, error")
		case "offers":
			if v := envDefault("offers"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("KETTE_OFFERS: %q is not a number", v)
				}
				c.Offers = n
			}
			fs.IntVar(&c.Offers, "offers", c.Offers, "number of offers to generate (KETTE_OFFERS)")
		case "seed":
			fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed; the same seed gives the same data")
		case "districts":
			str(&c.DistrictsFile, "districts", "CSV of Kreise (AGS;type;name;…;population); default: the shipped copy")
		case "progress":
			boolean(&c.Progress, "progress", "show a progress bar")
		case "account":
			str(&c.Email, "email", "e-mail address of the account")
		case "user":
			str(&c.Role, "role", "role: land_admin, kommune_coordinator, provider_editor, reviewer, programme_officer")
			str(&c.KommuneAGS, "kommune", "Kommune of the account (AGS, 8 digits); every role but land_admin")
			str(&c.LandCode, "land", "Land of a land_admin (01–16)")
			if v := envDefault("organization"); v != "" {
				c.Organizations = strings.Split(v, ",")
			}
			fs.Var(&stringList{list: &c.Organizations}, "organization", "organization id of a provider_editor; repeat for several (KETTE_ORGANIZATION, comma-separated)")
			str(&c.DisplayName, "name", "display name; default: the e-mail address")
			str(&c.Password, "password", "password; when empty it is asked for on the terminal or read as one line from stdin")
		case "token":
			str(&c.TokenName, "name", "what the token is for, e.g. the integration's name")
		case "oidc":
			str(&c.OIDCIssuer, "oidc-issuer", "OpenID Connect issuer URL; single sign-on is off while empty")
			str(&c.OIDCClientID, "oidc-client-id", "OpenID Connect client id")
			str(&c.OIDCClientSecret, "oidc-client-secret", "OpenID Connect client secret (empty for a public client)")
			str(&c.OIDCRedirectURL, "oidc-redirect-url", "Kette's callback URL registered at the provider, e.g. https://kette.example.org/anmelden/sso/callback")
			str(&c.OIDCScopes, "oidc-scopes", "extra scopes, comma-separated (openid, email, profile are always requested)")
			str(&c.OIDCRoleClaim, "oidc-role-claim", "claim with group or role names, e.g. groups, roles or realm_access.roles")
			str(&c.OIDCRoles, "oidc-roles", "claim value to role, e.g. kette-hannover=kommune_coordinator:03241001,kette-land=land_admin:03")
			boolean(&c.OIDCSyncRoles, "oidc-sync-roles", "the provider's groups set role and scope of existing accounts at every login (KETTE_OIDC_SYNC_ROLES)")
			str(&c.OIDCCookieKey, "oidc-cookie-key", "secret (at least 32 characters) authenticating the login cookie; random per start when empty")
		case "mail":
			str(&c.SMTPHost, "smtp-host", "SMTP server for outgoing e-mail; no e-mail is sent while empty")
			integer(&c.SMTPPort, "smtp-port", "SMTP port")
			str(&c.SMTPUser, "smtp-user", "SMTP user name; empty: no authentication")
			str(&c.SMTPPassword, "smtp-password", "SMTP password")
			str(&c.SMTPFrom, "smtp-from", "sender address, e.g. \"Kette <kette@kommune.example>\"")
			str(&c.SMTPTLS, "smtp-tls", "SMTP encryption: none, starttls or tls")
		case "site":
			str(&c.PublicURL, "public-url", "the site's public address for links in e-mails, e.g. https://kette.kommune.example")
		case "map":
			str(&c.TileURL, "tile-url", "tile server of the interactive results map, a template with {z}, {x}, {y} (and {s} as the first label of the host); its host is added to the results page's CSP img-src")
			str(&c.TileAttribution, "tile-attribution", "credit of the tile server shown on the map")
			str(&c.TileAttributionURL, "tile-attribution-url", "link of the credit; empty for none")
		case "privacy":
			integer(&c.MinCell, "min-cell", "minimum cell size of indicator values: smaller counts are never shown or exported")
		case "freshness":
			integer(&c.RemindAfterMonths, "remind-after-months", "months without confirmation after which the providers of an offer are reminded")
			integer(&c.HideAfterMonths, "hide-after-months", "months without confirmation after which an offer is hidden from the public search")
		}
	}
	return firstErr
}

// stringList is a repeatable flag; the first flag replaces the list taken from the environment.
type stringList struct {
	list *[]string
	set  bool
}

func (l *stringList) String() string {
	if l.list == nil {
		return ""
	}
	return strings.Join(*l.list, ",")
}

func (l *stringList) Set(v string) error {
	if !l.set {
		*l.list, l.set = nil, true
	}
	*l.list = append(*l.list, v)
	return nil
}
