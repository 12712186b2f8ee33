# yeastar_ctl on Debian unstable with Asterisk 22: the same packages as the lab root, in an image.
# Not built in CI (CI machines have no Docker engine); the lab (`scripts/run`) is the tested path.
FROM debian:sid-slim

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      asterisk asterisk-core-sounds-en-gsm asterisk-moh-opsound-gsm sip-tester \
      python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/share/doc/asterisk-config-samples \
 && mv /etc/asterisk/* /usr/share/doc/asterisk-config-samples/

WORKDIR /opt/yeastar_ctl
COPY . .
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -e .

# Inside the image the "lab root" is the image itself: instance dirs live under /srv/yeastar_ctl.
ENV YEASTAR_CTL_LAB_ROOT=/ \
    YEASTAR_CTL_VAR_DIR=/var/lib/yeastar_ctl \
    YEASTAR_CTL_WEB_HOST=0.0.0.0
RUN touch /.yeastar_ctl_root
VOLUME ["/var/lib/yeastar_ctl"]
EXPOSE 5060/udp 8080

# db upgrade, demo data, Asterisk, generated config, then the control plane in the foreground.
CMD ["sh", "-c", ".venv/bin/yeastar-ctl db upgrade && .venv/bin/yeastar-ctl demo && .venv/bin/yeastar-ctl lab up && .venv/bin/yeastar-ctl apply --force-reload && exec .venv/bin/yeastar-ctl run"]
