#!/bin/sh
# The configuration is rendered by the app image's renderer (the `asterisk-config` service) into a shared
# volume; this container only installs it and runs Asterisk in the foreground.
set -eu
mkdir -p /etc/asterisk
cp /rendered/asterisk/* /etc/asterisk/
cp /rendered/odbc/odbc.ini /rendered/odbc/odbcinst.ini /etc/
chown -R root:asterisk /etc/asterisk
for dir in /var/lib/asterisk /var/run/asterisk /var/log/asterisk /var/spool/asterisk; do
  mkdir -p "$dir" && chown -R asterisk:asterisk "$dir"
done
exec asterisk -f -U asterisk -G asterisk -C /etc/asterisk/asterisk.conf
