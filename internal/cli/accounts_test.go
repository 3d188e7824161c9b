package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kette-org/kette/internal/audit"
	"github.com/kette-org/kette/internal/auth"
	"github.com/kette-org/kette/internal/catalog"
	"github.com/kette-org/kette/internal/cli"
	"github.com/kette-org/kette/internal/region"
	"github.com/kette-org/kette/internal/store"
	"github.com/kette-org/kette/internal/store/storetest"
	"github.com/kette-org/kette/internal/tenant"
)

// runWithStdin runs a command with stdin, as a script piping a password would.
func runWithStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = cli.Run(context.Background(), cli.Env{Args: args, Getenv: func(string) string { return "" },
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Version: "test"})
	return code, out.String(), errOut.String()
}

// accountsDB returns a migrated database with Braunschweig and one Familienzentrum, and the store on it.
func accountsDB(t *testing.T, d store.Dialect) (string, *store.Store, catalog.Organization) {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	actor := audit.System("test")
	if err := s.UpsertLand(ctx, actor, region.Land{Code: "03", Name: "Niedersachsen"}); err != nil {
		t.Fatal(err)
	}
	k := region.Kommune{AGS: "03101000", ARS: "031010000000", Name: "Braunschweig", Type: region.TypeKreisfreieStadt, LandCode: "03"}
	if err := s.CreateKommune(ctx, actor, &k); err != nil {
		t.Fatal(err)
	}
	org := catalog.Organization{KommuneID: k.ID, Name: "Familienzentrum Mitte", Kind: "familienzentrum"}
	if err := s.CreateOrganization(ctx, tenant.System(), actor, &org); err != nil {
		t.Fatal(err)
	}
	return dsn, s, org
}

func TestUserAddCreatesAccountsThatCanLogIn(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn, s, org := accountsDB(t, d)
			code, out, errOut := run(t, "user", "add", "--db", dsn, "--email", "Land@Niedersachsen.example", "--role", "land_admin",
				"--land", "03", "--name", "Landesamt", "--password", "Landes-Passwort-1")
			if code != 0 || !strings.Contains(out, "Benutzerkonto angelegt: land@niedersachsen.example (Landesadministration, Land 03)") {
				t.Fatalf("land_admin: %d %q %q", code, out, errOut)
			}
			// Without --password the password comes from stdin, as from a script.
			code, out, errOut = runWithStdin(t, "Koordinations-Passwort\n", "user", "add", "--db", dsn, "--email", "koordination@braunschweig.example",
				"--role", "kommune_coordinator", "--kommune", "03101000")
			if code != 0 || !strings.Contains(out, "Koordination Kommune, Braunschweig (03101000)") {
				t.Fatalf("coordinator: %d %q %q", code, out, errOut)
			}
			code, out, errOut = run(t, "user", "add", "--db", dsn, "--email", "fz@braunschweig.example", "--role", "provider_editor",
				"--kommune", "03101000", "--organization", org.ID.String(), "--password", "Redaktions-Passwort")
			if code != 0 {
				t.Fatalf("provider editor: %d %q %q", code, out, errOut)
			}
			svc := auth.NewService(s)
			for email, password := range map[string]string{"land@niedersachsen.example": "Landes-Passwort-1",
				"koordination@braunschweig.example": "Koordinations-Passwort", "fz@braunschweig.example": "Redaktions-Passwort"} {
				if _, _, err := svc.Login(ctx, email, password, "127.0.0.1", "test"); err != nil {
					t.Errorf("login %s: %v", email, err)
				}
			}
			editor, err := s.GetUserByEmail(ctx, tenant.System(), "fz@braunschweig.example")
			if err != nil || !editor.Scope().MayChange(org.ID) || editor.Scope().MayChange(org.KommuneID) {
				t.Fatalf("editor: %+v %v", editor, err)
			}
			entries, _ := s.ListAudit(ctx, tenant.System(), audit.Filter{Entity: "user", EntityID: editor.ID.String()})
			if len(entries) != 1 || entries[0].Actor != "system:cli" {
				t.Fatalf("audit of the CLI: %+v", entries)
			}
		})
	}
}

func TestUserAddCreatesTheFirstAdministratorInAnEmptyDatabase(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	code, out, errOut := runWithStdin(t, "Erstes-Passwort-1\n", "user", "add", "--db", dsn, "--email", "admin@nds.example",
		"--role", "land_admin", "--land", "03")
	if code != 0 || !strings.Contains(out, "Landesadministration, Land 03") {
		t.Fatalf("first administrator: %d %q %q", code, out, errOut)
	}
	code, _, errOut = run(t, "user", "add", "--db", dsn, "--email", "b@example.org", "--role", "land_admin", "--land", "17",
		"--password", "Gutes-Passwort")
	if code != 1 || !strings.Contains(errOut, "--land: Eine Landesadministration braucht ein Land") {
		t.Fatalf("Land 17: %d %q", code, errOut)
	}
}

func TestUserAddNamesTheWrongFlagInGerman(t *testing.T) {
	dsn, _, _ := accountsDB(t, store.SQLite)
	if code, _, _ := run(t, "user", "add", "--db", dsn, "--email", "a@example.org", "--role", "land_admin", "--land", "03",
		"--password", "Erstes-Passwort"); code != 0 {
		t.Fatal("setup")
	}
	cases := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--email", "b@example.org", "--kommune", "03101000", "--password", "Gutes-Passwort"},
			"--role: „“ ist keine bekannte Rolle"},
		{"", []string{"--email", "b@example.org", "--role", "chef", "--kommune", "03101000", "--password", "Gutes-Passwort"},
			"--role: „chef“ ist keine bekannte Rolle"},
		{"", []string{"--email", "b(at)example.org", "--role", "reviewer", "--kommune", "03101000", "--password", "Gutes-Passwort"},
			"--email: „b(at)example.org“ ist keine gültige E-Mail-Adresse."},
		{"", []string{"--email", "b@example.org", "--role", "reviewer", "--password", "Gutes-Passwort"},
			"--kommune: Diese Rolle braucht eine Kommune."},
		{"", []string{"--email", "b@example.org", "--role", "reviewer", "--kommune", "03241001", "--password", "Gutes-Passwort"},
			"--kommune: Diese Kommune ist nicht bekannt."},
		{"", []string{"--email", "b@example.org", "--role", "reviewer", "--kommune", "3101", "--password", "Gutes-Passwort"},
			"--kommune: „3101“ ist kein gültiger Amtlicher Gemeindeschlüssel"},
		{"", []string{"--email", "b@example.org", "--role", "provider_editor", "--kommune", "03101000", "--organization", "fz-mitte",
			"--password", "Gutes-Passwort"}, "--organization: „fz-mitte“ ist keine gültige Kennung einer Einrichtung (UUID)."},
		{"", []string{"--email", "b@example.org", "--role", "reviewer", "--kommune", "03101000", "--password", "kurz"},
			"--password: Das Passwort muss mindestens 10 Zeichen lang sein."},
		{"b@example.org\n", []string{"--email", "b@example.org", "--role", "reviewer", "--kommune", "03101000"},
			"--password: Das Passwort darf nicht die E-Mail-Adresse sein."},
		{"", []string{"--email", "b@example.org", "--role", "reviewer", "--kommune", "03101000"},
			"--password: Pflichtfeld"},
		{"", []string{"--email", "A@example.org", "--role", "reviewer", "--kommune", "03101000", "--password", "Gutes-Passwort"},
			"--email: Für diese E-Mail-Adresse gibt es bereits ein Benutzerkonto."},
	}
	for _, c := range cases {
		code, _, errOut := runWithStdin(t, c.stdin, append([]string{"user", "add", "--db", dsn}, c.args...)...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
	if code, _, errOut := run(t, "user", "list"); code != 2 || !strings.Contains(errOut, "kette user add") {
		t.Errorf("unknown verb: %d %q", code, errOut)
	}
}

func TestTokenAddPrintsTheBearerTokenOnce(t *testing.T) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn, s, _ := accountsDB(t, d)
			if code, _, errOut := run(t, "user", "add", "--db", dsn, "--email", "koordination@braunschweig.example",
				"--role", "kommune_coordinator", "--kommune", "03101000", "--password", "Koordinations-Passwort"); code != 0 {
				t.Fatal(errOut)
			}
			code, out, errOut := run(t, "token", "add", "--db", dsn, "--email", "Koordination@Braunschweig.example", "--name", "Familienportal")
			token := strings.TrimSpace(out)
			if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, auth.APITokenPrefix) ||
				!strings.Contains(errOut, "nur jetzt angezeigt") {
				t.Fatalf("token add: %d %q %q", code, out, errOut)
			}
			tok, u, err := s.APITokenUser(ctx, token)
			if err != nil || tok.Name != "Familienportal" || u.Email != "koordination@braunschweig.example" {
				t.Fatalf("token lookup: %+v %+v %v", tok, u, err)
			}
			if code, _, errOut := run(t, "token", "add", "--db", dsn, "--email", "niemand@example.org"); code != 1 ||
				!strings.Contains(errOut, "--email: Dieses Benutzerkonto ist nicht bekannt.") {
				t.Fatalf("unknown account: %d %q", code, errOut)
			}
			if code, _, errOut := run(t, "token", "add", "--db", dsn); code != 1 || !strings.Contains(errOut, "--email: Pflichtfeld") {
				t.Fatalf("no --email: %d %q", code, errOut)
			}
		})
	}
}
