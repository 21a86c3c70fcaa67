package io.meshlens.proxy.internal.conn;

/**
 * Fired on every accepted connection when the proxy starts draining: HTTP/1 connections close
 * when idle, HTTP/2 connections send GOAWAY, opaque TCP connections carry on.
 */
public enum DrainEvent { INSTANCE }
