package io.meshlens.proxy.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's nginx as the app behind the proxy, on loopback with its own config and prefix in a
 * temp folder. {@code /echo} answers with the request body; {@code /204}, {@code /304} answer
 * those statuses; anything else {@code ok}. Its access log records what the app received of
 * each request: method, target, Host, Content-Length, Transfer-Encoding and body.
 */
final class NginxApp implements AutoCloseable {
    /** One request as nginx received it. */
    record Seen(String method, String target, String host, String contentLength, String transferEncoding, String body) {}

    private static final String ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so";

    private final ExternalServer nginx;
    private final Path accessLog;

    private NginxApp(ExternalServer nginx, Path accessLog) {
        this.nginx = nginx;
        this.accessLog = accessLog;
    }

    static NginxApp start(Path dir) throws IOException {
        if (!Files.exists(Path.of(ECHO_MODULE))) {
            throw new IllegalStateException(ECHO_MODULE + ": missing (expected: Debian's nginx-light; hint: run scripts/setup.sh)");
        }
        int port = ExternalServer.freePort();
        Path accessLog = dir.resolve("access.log");
        Files.createDirectories(dir.resolve("logs"));
        String conf = """
                load_module %s;
                daemon off;
                master_process off;
                worker_processes 1;
                pid %s/nginx.pid;
                error_log %s/error.log info;
                events { worker_connections 64; }
                http {
                  client_body_temp_path %s/body;
                  proxy_temp_path %s/proxy;
                  fastcgi_temp_path %s/fastcgi;
                  uwsgi_temp_path %s/uwsgi;
                  scgi_temp_path %s/scgi;
                  log_format seen escape=json '$request_method\\t$request_uri\\t$http_host\\t$http_content_length\\t$http_transfer_encoding\\t$request_body';
                  access_log %s seen;
                  keepalive_requests 1000;
                  server {
                    listen 127.0.0.1:%d;
                    server_name app;
                    location = /echo { echo_read_request_body; echo_request_body; }
                    location = /204 { return 204; }
                    location = /304 { add_header ETag x; return 304; }
                    location / { echo_read_request_body; return 200 "ok\\n"; }
                  }
                }
                """.formatted(ECHO_MODULE, dir, dir, dir, dir, dir, dir, dir, accessLog, port);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        ExternalServer nginx = ExternalServer.start(List.of("nginx", "-p", dir.toString(), "-c", confFile.toString(),
                "-e", dir.resolve("error.log").toString()), port, dir);
        return new NginxApp(nginx, accessLog);
    }

    InetSocketAddress address() {
        return nginx.address();
    }

    /** Requests nginx has logged so far, in order. */
    List<Seen> seen() throws IOException {
        if (!Files.exists(accessLog)) {
            return List.of();
        }
        return Files.readAllLines(accessLog).stream().map(l -> l.split("\t", -1))
                .map(f -> new Seen(f[0], f[1], f[2], f[3], f[4], f[5])).toList();
    }

    @Override
    public void close() {
        nginx.close();
    }
}
