package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/term"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/config"
	"github.com/kette-org/kette/internal/errs"
	"github.com/kette-org/kette/internal/generate"
	"github.com/kette-org/kette/internal/i18n"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/tenant"
)

// cliActor is who the audit log names for changes made on the command line.
func cliActor() audit.Actor { return audit.System("cli") }

// flagOf maps the field of an account error to the flag the operator typed.
func flagOf(field string) string {
	switch field {
	case "display_name", "name":
		return "--name"
	case "kommune_id":
		return "--kommune"
	case "land_code":
		return "--land"
	case "organization_ids":
		return "--organization"
	case "email", "role", "password":
		return "--" + field
	}
	return field
}

// asFlags renames the fields of an invalid or conflict error to flag names, so the message names what to fix.
func asFlags(err error) error {
	e := errs.As(err)
	if len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		f.Field = flagOf(f.Field)
		out.Fields[i] = f
	}
	return &out
}

func invalidFlag(flag, message string, data map[string]any) error {
	var v errs.Validation
	v.Add(flag, message, data)
	return v.Err()
}

// subcommand checks that args start with the one verb a command group knows ("add").
func subcommand(env Env, group string, args []string) ([]string, error) {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintf(env.Stderr, "Aufruf: kette %s add [Optionen]; Optionen: kette %s add -h\n", group, group)
		return nil, errUsage
	}
	return args[1:], nil
}

// userAdd creates an account, typically the first Land administrator.
func userAdd(ctx context.Context, env Env, args []string) error {
	args, err := subcommand(env, "user", args)
	if err != nil {
		return err
	}
	cfg, err := parse(env, "user add", args, "db", "log", "account", "user")
	if err != nil {
		return err
	}
	s, err := migrated(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := userFromFlags(ctx, s, cfg)
	if err != nil {
		return asFlags(err)
	}
	hash, err := newPasswordHash(env, cfg, u.Email)
	if err != nil {
		return asFlags(err)
	}
	if err := ensureLand(ctx, s, u); err != nil {
		return err
	}
	if err := s.CreateUser(ctx, tenant.System(), cliActor(), &u, hash); err != nil {
		return asFlags(err)
	}
	fmt.Fprintf(env.Stdout, "Benutzerkonto angelegt: %s (%s, %s), ID %s\n", u.Email, roleLabel(u.Role), scopeLabel(ctx, s, u), u.ID)
	return nil
}

// userFromFlags builds and validates the account before the password is asked for, so a typo in a flag does
// not cost the operator two password entries.
func userFromFlags(ctx context.Context, s *store.Store, cfg config.Config) (auth.User, error) {
	u := auth.User{Email: cfg.Email, DisplayName: cfg.DisplayName, Role: auth.Role(cfg.Role), LandCode: cfg.LandCode}
	if strings.TrimSpace(u.DisplayName) == "" {
		u.DisplayName = cfg.Email
	}
	if cfg.KommuneAGS != "" {
		k, err := s.GetKommuneByAGS(ctx, tenant.System(), cfg.KommuneAGS)
		switch {
		case errs.Is(err, errs.BadRequest):
			return u, invalidFlag("--kommune", "validation.ags", map[string]any{"Value": cfg.KommuneAGS})
		case errs.Is(err, errs.NotFound):
			return u, invalidFlag("--kommune", "auth.validation.unknown_kommune", nil)
		case err != nil:
			return u, err
		}
		u.KommuneID = k.ID
	}
	for _, o := range cfg.Organizations {
		id, err := uuid.Parse(strings.TrimSpace(o))
		if err != nil {
			return u, invalidFlag("--organization", "auth.validation.organization_id", map[string]any{"Value": o})
		}
		u.OrganizationIDs = append(u.OrganizationIDs, id)
	}
	u.Normalize()
	return u, u.Validate()
}

// newPasswordHash takes the password from --password, asks for it twice on a terminal, or reads one line from
// a pipe, and hashes it after the policy check.
func newPasswordHash(env Env, cfg config.Config, email string) (string, error) {
	password := cfg.Password
	if password == "" {
		var err error
		if password, err = readPassword(env); err != nil {
			return "", err
		}
	}
	if password == "" {
		return "", invalidFlag("--password", "validation.required", nil)
	}
	if err := auth.CheckPassword(password, email); err != nil {
		return "", err
	}
	return auth.DefaultParams().Hash(password)
}

func readPassword(env Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		first, err := promptPassword(env, f, "Passwort: ")
		if err != nil {
			return "", err
		}
		second, err := promptPassword(env, f, "Passwort wiederholen: ")
		if err != nil {
			return "", err
		}
		if first != second {
			return "", invalidFlag("--password", "auth.validation.passwords_differ", nil)
		}
		return first, nil
	}
	if env.Stdin == nil {
		return "", nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", errs.Wrap(err, "read password")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func promptPassword(env Env, f *os.File, prompt string) (string, error) {
	fmt.Fprint(env.Stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return "", errs.Wrap(err, "read password")
	}
	return string(b), nil
}

// ensureLand adds the Land of a Land administrator when the database does not know it yet, so that the first
// administrator can be created in an empty database, before any Kommune is imported.
func ensureLand(ctx context.Context, s *store.Store, u auth.User) error {
	land, known := generate.Lands[u.LandCode]
	if u.Role != auth.LandAdmin || !known {
		return nil
	}
	lands, err := s.ListLands(ctx)
	if err != nil {
		return err
	}
	for _, l := range lands {
		if l.Code == u.LandCode {
			return nil
		}
	}
	return s.UpsertLand(ctx, cliActor(), region.Land{Code: u.LandCode, Name: land.Name})
}

func roleLabel(r auth.Role) string {
	b, err := i18n.New()
	if err != nil {
		return string(r)
	}
	return b.For(i18n.Default).T(r.LabelID())
}

func scopeLabel(ctx context.Context, s *store.Store, u auth.User) string {
	if u.Role == auth.LandAdmin {
		return "Land " + u.LandCode
	}
	k, err := s.GetKommune(ctx, tenant.System(), u.KommuneID)
	if err != nil {
		return "Kommune " + u.KommuneID.String()
	}
	return k.Name + " (" + k.AGS + ")"
}

// tokenAdd creates an API token for an account and prints it once on stdout, so scripts can capture it.
func tokenAdd(ctx context.Context, env Env, args []string) error {
	args, err := subcommand(env, "token", args)
	if err != nil {
		return err
	}
	cfg, err := parse(env, "token add", args, "db", "log", "account", "token")
	if err != nil {
		return err
	}
	if strings.TrimSpace(cfg.Email) == "" {
		return invalidFlag("--email", "validation.required", nil)
	}
	s, err := migrated(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.GetUserByEmail(ctx, tenant.System(), cfg.Email)
	if errs.Is(err, errs.NotFound) {
		return invalidFlag("--email", "error.not_found_user", nil)
	}
	if err != nil {
		return err
	}
	name := cfg.TokenName
	if strings.TrimSpace(name) == "" {
		name = "Kommandozeile"
	}
	plain, _, err := s.CreateAPIToken(ctx, tenant.System(), cliActor(), u.ID, name)
	if err != nil {
		return asFlags(err)
	}
	fmt.Fprintf(env.Stderr, "API-Schlüssel „%s“ für %s angelegt. Er wird nur jetzt angezeigt; Aufruf mit dem Kopf\n"+
		"Authorization: Bearer <Schlüssel>\n", name, u.Email)
	fmt.Fprintln(env.Stdout, plain)
	return nil
}
