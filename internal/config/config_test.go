package config

import (
	"flag"
	"io"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	c := Defaults()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := c.Flags(fs, func(k string) string { return env[k] }, "db", "addr", "demo", "offers", "log"); err != nil {
		return c, err
	}
	return c, fs.Parse(args)
}

func TestFlagsOverrideEnvironmentOverrideDefaults(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil || c.DB != "sqlite:data/kette.db" || c.Addr != ":8080" || c.Demo {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	env := map[string]string{"KETTE_DB": "postgres://kette@db/kette", "KETTE_ADDR": ":9000", "KETTE_DEMO": "true", "KETTE_OFFERS": "5000"}
	c, err = parse(t, env)
	if err != nil || c.DB != "postgres://kette@db/kette" || c.Addr != ":9000" || !c.Demo || c.Offers != 5000 {
		t.Fatalf("environment: %+v %v", c, err)
	}
	c, err = parse(t, env, "--addr", "127.0.0.1:8081", "--demo=false")
	if err != nil || c.Addr != "127.0.0.1:8081" || c.Demo || c.DB != "postgres://kette@db/kette" {
		t.Fatalf("flags: %+v %v", c, err)
	}
	if _, err := parse(t, map[string]string{"KETTE_DEMO": "vielleicht"}); err == nil {
		t.Fatal("KETTE_DEMO=vielleicht was accepted")
	}
}

func TestAccountFlagsRepeatOrganizationsAndOverrideTheEnvironment(t *testing.T) {
	read := func(env map[string]string, args ...string) Config {
		t.Helper()
		c := Defaults()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if err := c.Flags(fs, func(k string) string { return env[k] }, "account", "user"); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	env := map[string]string{"KETTE_ORGANIZATION": "a,b", "KETTE_ROLE": "reviewer"}
	if c := read(env); len(c.Organizations) != 2 || c.Role != "reviewer" {
		t.Fatalf("environment: %+v", c)
	}
	c := read(env, "--email", "a@example.org", "--organization", "x", "--organization", "y", "--role", "provider_editor")
	if c.Email != "a@example.org" || c.Role != "provider_editor" || len(c.Organizations) != 2 || c.Organizations[0] != "x" || c.Organizations[1] != "y" {
		t.Fatalf("flags: %+v", c)
	}
}

func TestOIDCSettingsComeFromFlagsOrEnvironment(t *testing.T) {
	read := func(env map[string]string, args ...string) Config {
		t.Helper()
		c := Defaults()
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		if err := c.Flags(fs, func(k string) string { return env[k] }, "oidc"); err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := read(nil); c.OIDCIssuer != "" || c.OIDCRoleClaim != "groups" || !c.OIDCSyncRoles {
		t.Fatalf("defaults: %+v", c)
	}
	env := map[string]string{"KETTE_OIDC_ISSUER": "https://login.example/realms/hannover", "KETTE_OIDC_CLIENT_ID": "kette",
		"KETTE_OIDC_CLIENT_SECRET": "s3cret", "KETTE_OIDC_REDIRECT_URL": "https://kette.example/anmelden/sso/callback",
		"KETTE_OIDC_ROLE_CLAIM": "realm_access.roles", "KETTE_OIDC_ROLES": "koord=kommune_coordinator:03241001",
		"KETTE_OIDC_SYNC_ROLES": "false", "KETTE_OIDC_SCOPES": "groups", "KETTE_OIDC_COOKIE_KEY": "k"}
	c := read(env)
	if c.OIDCIssuer != env["KETTE_OIDC_ISSUER"] || c.OIDCClientID != "kette" || c.OIDCClientSecret != "s3cret" ||
		c.OIDCRedirectURL != env["KETTE_OIDC_REDIRECT_URL"] || c.OIDCRoleClaim != "realm_access.roles" ||
		c.OIDCRoles != env["KETTE_OIDC_ROLES"] || c.OIDCSyncRoles || c.OIDCScopes != "groups" || c.OIDCCookieKey != "k" {
		t.Fatalf("environment: %+v", c)
	}
	c = read(env, "--oidc-roles", "land=land_admin:03", "--oidc-sync-roles", "--oidc-client-id", "kette-prod")
	if c.OIDCRoles != "land=land_admin:03" || !c.OIDCSyncRoles || c.OIDCClientID != "kette-prod" {
		t.Fatalf("flags: %+v", c)
	}
}
