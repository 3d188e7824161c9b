// Package mailtest runs a real SMTP server inside a test process (github.com/emersion/go-smtp with an in-memory
// mailbox), so tests send mail over a real connection and check what arrived: envelope, subject and body.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	kmail "github.com/kette-org/kette/internal/mail"
)

// Received is one message as it arrived.
type Received struct {
	From    string   // envelope sender
	To      []string // envelope recipients
	Subject string   // decoded
	Body    string   // decoded text
	Header  mail.Header
	User    string // who authenticated, empty without authentication
}

// Server is a running SMTP server with its mailbox.
type Server struct {
	Host, Username, Password string
	Port                     int
	TLS                      kmail.TLSMode
	// ClientTLS trusts the server's self-signed certificate.
	ClientTLS *tls.Config

	mu  sync.Mutex
	box []Received
}

// Start runs a server on 127.0.0.1 with the TLS mode and requiring PLAIN authentication as user "kette";
// it stops when the test ends.
func Start(t testing.TB, mode kmail.TLSMode) *Server {
	t.Helper()
	cert, pool := selfSigned(t)
	srv := &Server{Host: "127.0.0.1", Username: "kette", Password: "geheim-" + strconv.Itoa(int(time.Now().UnixNano()%1000)),
		TLS: mode, ClientTLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{srv: srv}, nil }))
	s.Domain = "localhost"
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	s.MaxMessageBytes = 1 << 20
	s.AllowInsecureAuth = mode == kmail.TLSNone
	var ln net.Listener
	var err error
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	switch mode {
	case kmail.TLSImplicit:
		ln, err = tls.Listen("tcp", "127.0.0.1:0", serverTLS)
	case kmail.TLSStartTLS:
		s.TLSConfig = serverTLS
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	default:
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	srv.Port = ln.Addr().(*net.TCPAddr).Port
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return srv
}

// Config is the Kette mail configuration that sends to this server.
func (s *Server) Config() kmail.Config {
	return kmail.Config{Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password,
		From: "Kette <kette@kommune.example>", TLS: s.TLS, Timeout: 10 * time.Second}
}

// Sender returns a Sender delivering to this server.
func (s *Server) Sender(t testing.TB) *kmail.SMTP {
	t.Helper()
	snd, err := kmail.NewSMTP(s.Config(), s.ClientTLS)
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// Messages returns what arrived so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.box...)
}

// To returns the messages with the recipient.
func (s *Server) To(addr string) []Received {
	var out []Received
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// Reset empties the mailbox.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.box = nil
}

func (s *Server) deliver(r Received) {
	s.mu.Lock()
	s.box = append(s.box, r)
	s.mu.Unlock()
}

type session struct {
	srv  *Server
	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.srv.Username || password != s.srv.Password {
			return errors.New("invalid credentials")
		}
		s.user = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	body := raw
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		if body, err = io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw)))); err != nil {
			return err
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.srv.deliver(Received{From: s.from, To: append([]string(nil), s.to...), Subject: subject,
		Body: strings.ReplaceAll(string(body), "\r\n", "\n"), Header: msg.Header, User: s.user})
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kette mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
