#!/usr/bin/env bash
# Starts the mail servers the e-mail transport tests talk to, all on 127.0.0.1 only:
#   dovecot (Debian's dovecot-imapd): IMAP + STARTTLS on 10143, IMAPS on 10993;
#   .ci/smtp-sink.py (PyPI's aiosmtpd): SMTP + STARTTLS on 10025, SMTPS on 10465, saving
#   every message it accepts into a spool directory the tests read back.
# Both use one self-signed certificate for localhost / 127.0.0.1, whose PEM the tests trust as
# an extra CA. Prints the VINCULO_TEST_* lines to export; already running → just prints them.
# `bash .ci/start-mail.sh stop` stops both.
# Needs: apt-get install dovecot-imapd; python3 -m pip install aiosmtpd.
set -euo pipefail
dir=${VINCULO_MAIL_DIR:-/tmp/vinculo-mail}
imap_port=${VINCULO_IMAP_PORT:-10143}
imaps_port=${VINCULO_IMAPS_PORT:-10993}
smtp_port=${VINCULO_SMTP_PORT:-10025}
smtps_port=${VINCULO_SMTPS_PORT:-10465}
user=test@vinculo.test
password=vinculo-test-password
script_dir=$(cd "$(dirname "$0")" && pwd)

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "${1:-}" = stop ]; then
  running "$dir/run/master.pid" && doveadm -c "$dir/dovecot.conf" stop
  running "$dir/smtp-sink.pid" && kill "$(cat "$dir/smtp-sink.pid")"
  exit 0
fi

missing() { echo "$1 not found ($2)" >&2; exit 1; }
command -v dovecot >/dev/null || missing dovecot "apt-get install dovecot-imapd"
python3 -c 'import aiosmtpd' 2>/dev/null || missing aiosmtpd "python3 -m pip install aiosmtpd"

mkdir -p "$dir"/{run,state,mail,spool}
# The dovecot processes that read the password file and the mailboxes run as other users.
chmod 755 "$dir" "$dir"/mail "$dir"/spool

if [ ! -f "$dir/cert.pem" ]; then
  # A leaf certificate (CA:FALSE) is what rustls accepts as a server certificate; trusting the
  # same PEM as a root makes it valid for localhost and 127.0.0.1 only.
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  chmod 644 "$dir/key.pem"
fi

if [ "$(id -u)" -eq 0 ]; then
  # Dovecot refuses to open mailboxes as root; Debian's package made these two users.
  internal_user=dovecot login_user=dovenull mail_user=dovecot
else
  internal_user=$(id -un) login_user=$(id -un) mail_user=$(id -un)
fi
chown "$mail_user" "$dir/mail"
printf '%s:{PLAIN}%s\n' "$user" "$password" > "$dir/users"
chmod 644 "$dir/users"

cat > "$dir/dovecot.conf" <<CONF
# Written by .ci/start-mail.sh: a self-contained test server, nothing from /etc/dovecot.
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
default_internal_user = $internal_user
default_login_user = $login_user
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
auth_mechanisms = plain login
# Tests try a wrong password on purpose; the default 2 s penalty only slows them down.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=$mail_user gid=$mail_user home=$dir/mail/%u
}
# System users such as dovecot sit below the default limit of 500.
first_valid_uid = $(id -u "$mail_user")
first_valid_gid = $(id -g "$mail_user")
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    port = $imap_port
  }
  inet_listener imaps {
    port = $imaps_port
    ssl = yes
  }
}
protocol imap {
  # Tests run in parallel, each with its own connections, all as one user from one address.
  mail_max_userip_connections = 500
}
CONF

if ! running "$dir/run/master.pid"; then
  dovecot -c "$dir/dovecot.conf"
fi
if ! running "$dir/smtp-sink.pid"; then
  nohup python3 "$script_dir/smtp-sink.py" --host 127.0.0.1 --port "$smtp_port" \
    --tls-port "$smtps_port" --cert "$dir/cert.pem" --key "$dir/key.pem" \
    --user "$user" --password "$password" --spool "$dir/spool" \
    > "$dir/smtp-sink.log" 2>&1 &
  echo $! > "$dir/smtp-sink.pid"
fi

# Wait until both answer, so the tests never race the start.
for port in "$imap_port" "$imaps_port" "$smtp_port" "$smtps_port"; do
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    || { echo "nothing listens on 127.0.0.1:$port; see $dir/*.log" >&2; exit 1; }
done

enc_user=${user//@/%40}
echo "VINCULO_TEST_IMAP=imap://$enc_user:$password@127.0.0.1:$imap_port"
echo "VINCULO_TEST_IMAPS=imaps://$enc_user:$password@127.0.0.1:$imaps_port"
echo "VINCULO_TEST_IMAP_CA=$dir/cert.pem"
echo "VINCULO_TEST_SMTP=smtp://$enc_user:$password@127.0.0.1:$smtp_port"
echo "VINCULO_TEST_SMTPS=smtps://$enc_user:$password@127.0.0.1:$smtps_port"
echo "VINCULO_TEST_SMTP_SPOOL=$dir/spool"
