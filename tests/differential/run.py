#!/usr/bin/env python3
"""Differential testing of h1conn's trace driver against h11 and llhttp.

    python3 tests/differential/run.py [--trace PATH] [--report PATH]
        [--seed N] [--count N] [--max-seconds S] [--corpus DIR] ...

See tests/differential/README.md. Exit status: 0 unless our driver crashed,
hung, or printed output that violates /work/shared/trace-protocol.md
(1 then); 2 for a usage/setup error. Disagreements never fail the run.
"""
import argparse
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

LEVELS = ("agree", "detail", "framing", "verdict")
FINAL_EVENTS = ("closed", "error", "switched")
ALL_EVENTS = ("request", "response", "data", "end") + FINAL_EVENTS


# --------------------------------------------------------------------------
# Seed corpus
# --------------------------------------------------------------------------

def _b(s):
    return s.encode("latin-1") if isinstance(s, str) else s


def seeds():
    """(name, role, methods, bytes, valid). Valid seeds are mutated."""
    S, C = "server", "client"
    H = "Host: example.com\r\n"
    out = []

    def add(name, role, data, valid, methods=None):
        out.append((name, role, methods or ["GET"], _b(data), valid))

    # ---- valid requests ---------------------------------------------------
    add("req_get", S, "GET / HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_get_headers", S, "GET /p/a?q=1&r=%20 HTTP/1.1\r\n" + H +
        "User-Agent: t/1.0\r\nAccept: */*\r\nX-Empty:\r\nX-Ows: \t v a l \t\r\n\r\n", True)
    add("req_post_cl", S, "POST /submit HTTP/1.1\r\n" + H + "Content-Length: 11\r\n\r\nhello world", True)
    add("req_post_cl0", S, "POST / HTTP/1.1\r\n" + H + "Content-Length: 0\r\n\r\n", True)
    add("req_post_chunked", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", True)
    add("req_chunked_ext", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "5;foo=bar\r\nhello\r\n6;a;b=\"q s\"\r\n world\r\n0;last\r\n\r\n", True)
    add("req_chunked_trailers", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "a\r\n0123456789\r\nA\r\nABCDEFGHIJ\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n", True)
    add("req_pipelined_get_get", S, "GET /1 HTTP/1.1\r\n" + H + "\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_pipelined_post_get", S, "POST /1 HTTP/1.1\r\n" + H + "Content-Length: 3\r\n\r\nabc"
        "GET /2 HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_pipelined_chunked_get", S, "POST /1 HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\n\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_http10", S, "GET / HTTP/1.0\r\n\r\n", True)
    add("req_http10_keepalive", S, "GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        "GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", True)
    add("req_http11_close", S, "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n", True)
    add("req_connection_list", S, "GET / HTTP/1.1\r\n" + H + "Connection: foo, Close\r\n\r\n", True)
    add("req_head", S, "HEAD / HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_options_star", S, "OPTIONS * HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_absolute_form", S, "GET http://example.com/x HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_connect", S, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03\x01tunnel", True)
    add("req_upgrade_refused", S, "GET /chat HTTP/1.1\r\n" + H + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        "GET /2 HTTP/1.1\r\n" + H + "\r\n", True)
    add("req_expect_100", S, "PUT /f HTTP/1.1\r\n" + H + "Expect: 100-continue\r\nContent-Length: 4\r\n\r\ndata", True)
    add("req_obs_text_value", S, "GET / HTTP/1.1\r\n" + H + "X-Latin: caf\xe9 \x80\xff\r\n\r\n", True)
    add("req_repeated_header", S, "GET / HTTP/1.1\r\n" + H + "Accept: a\r\nAccept: b\r\n\r\n", True)
    add("req_te_chunked_case", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", True)
    add("req_chunk_hex_upper", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "0000F\r\n0123456789abcde\r\n0\r\n\r\n", True)
    add("req_many_headers", S, "GET / HTTP/1.1\r\n" + H +
        "".join("X-H%02d: v%d\r\n" % (i, i) for i in range(60)) + "\r\n", True)
    add("req_empty_input", S, "", True)
    add("req_leading_crlf", S, "\r\nGET / HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_http12", S, "GET / HTTP/1.2\r\n" + H + "\r\n", False)

    # ---- invalid / smuggling requests --------------------------------------
    smug = "POST / HTTP/1.1\r\n" + H
    add("req_cl_te", S, smug + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", False)
    add("req_te_cl", S, smug + "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nG", False)
    add("req_dup_cl_same", S, smug + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", False)
    add("req_dup_cl_diff", S, smug + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", False)
    add("req_cl_list_same", S, smug + "Content-Length: 5, 5\r\n\r\nhello", False)
    add("req_cl_list_diff", S, smug + "Content-Length: 5, 6\r\n\r\nhello!", False)
    add("req_cl_plus", S, smug + "Content-Length: +5\r\n\r\nhello", False)
    add("req_cl_minus", S, smug + "Content-Length: -1\r\n\r\n", False)
    add("req_cl_hex", S, smug + "Content-Length: 0x5\r\n\r\nhello", False)
    add("req_cl_inner_space", S, smug + "Content-Length: 1 2\r\n\r\nhello world!", False)
    add("req_cl_empty", S, smug + "Content-Length:\r\n\r\n", False)
    add("req_cl_huge", S, smug + "Content-Length: 99999999999999999999999\r\n\r\nx", False)
    add("req_cl_leading_zeros", S, smug + "Content-Length: 0005\r\n\r\nhello", False)
    add("req_cl_space_before_colon", S, smug + "Content-Length : 5\r\n\r\nhello", False)
    add("req_te_space_before_colon", S, smug + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_chunked_identity", S, smug + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", False)
    add("req_te_identity_chunked", S, smug + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_gzip_chunked", S, smug + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_chunked_chunked", S, smug + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_two_headers", S, smug + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_identity", S, smug + "Transfer-Encoding: identity\r\n\r\n", False)
    add("req_te_xchunked", S, smug + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_vtab", S, smug + "Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n", False)
    add("req_te_http10", S, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", False)
    add("req_obs_fold", S, "GET / HTTP/1.1\r\n" + H + "X-Folded: a\r\n b\r\n\r\n", False)
    add("req_obs_fold_te", S, smug + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", False)
    add("req_ws_before_first_header", S, "GET / HTTP/1.1\r\n " + H + "\r\n", False)
    add("req_bare_lf", S, "GET / HTTP/1.1\n" + "Host: example.com\n\n", False)
    add("req_bare_lf_one_header", S, "GET / HTTP/1.1\r\nHost: example.com\nX: y\r\n\r\n", False)
    add("req_bare_cr", S, "GET / HTTP/1.1\r\n" + H + "X: a\rY: b\r\n\r\n", False)
    add("req_nul_in_value", S, "GET / HTTP/1.1\r\n" + H + "X: a\x00b\r\n\r\n", False)
    add("req_ctl_in_value", S, "GET / HTTP/1.1\r\n" + H + "X: a\x01b\r\n\r\n", False)
    add("req_space_in_name", S, "GET / HTTP/1.1\r\n" + H + "X Y: z\r\n\r\n", False)
    add("req_empty_name", S, "GET / HTTP/1.1\r\n" + H + ": z\r\n\r\n", False)
    add("req_no_colon", S, "GET / HTTP/1.1\r\n" + H + "NoColon\r\n\r\n", False)
    add("req_double_space_line", S, "GET  / HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_tab_in_line", S, "GET\t/ HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_space_in_target", S, "GET /a b HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_high_byte_target", S, "GET /\x80\xff HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_lowercase_version", S, "GET / http/1.1\r\n" + H + "\r\n", False)
    add("req_http2_version", S, "GET / HTTP/2.0\r\n" + H + "\r\n", False)
    add("req_http09", S, "GET /\r\n\r\n", False)
    add("req_custom_method", S, "FOO / HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_lowercase_method", S, "get / HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_missing_host", S, "GET / HTTP/1.1\r\n\r\n", False)
    add("req_chunk_overflow", S, smug + "Transfer-Encoding: chunked\r\n\r\nf0000000000000003\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_size_ws", S, smug + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_size_0x", S, smug + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_size_neg", S, smug + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_size_empty", S, smug + "Transfer-Encoding: chunked\r\n\r\n\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_missing_crlf", S, smug + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n", False)
    add("req_chunk_data_lf", S, smug + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n", False)
    add("req_chunk_size_lf", S, smug + "Transfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_ext_bare_cr", S, smug + "Transfer-Encoding: chunked\r\n\r\n3;a\rb\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_ext_nul", S, smug + "Transfer-Encoding: chunked\r\n\r\n3;a=\x00\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_ext_unterminated_quote", S, smug + "Transfer-Encoding: chunked\r\n\r\n3;a=\"b\r\nabc\r\n0\r\n\r\n", False)
    add("req_chunk_last_no_crlf", S, smug + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", False)
    add("req_trailer_obs_fold", S, smug + "Transfer-Encoding: chunked\r\n\r\n0\r\nT: a\r\n b\r\n\r\n", False)
    add("req_trailer_bad_name", S, smug + "Transfer-Encoding: chunked\r\n\r\n0\r\nT U: a\r\n\r\n", False)
    add("req_truncated_head", S, "GET / HTTP/1.1\r\n" + H, False)
    add("req_truncated_cl_body", S, smug + "Content-Length: 10\r\n\r\nabc", False)
    add("req_truncated_chunked", S, smug + "Transfer-Encoding: chunked\r\n\r\n5\r\nab", False)
    add("req_body_overrun", S, smug + "Content-Length: 3\r\n\r\nabcdefgh", False)
    add("req_data_after_close", S, "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\nGET /2 HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_crlf_after_close", S, "GET / HTTP/1.1\r\n" + H + "Connection: close\r\n\r\n\r\n", False)
    add("req_only_crlfs", S, "\r\n\r\n", False)
    add("req_header_20k", S, "GET / HTTP/1.1\r\n" + H + "X-Big: " + "a" * 20000 + "\r\n\r\n", False)
    add("req_get_with_body_cl", S, "GET / HTTP/1.1\r\n" + H + "Content-Length: 2\r\n\r\nhi", False)

    # ---- valid responses ---------------------------------------------------
    add("resp_200_cl", C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", True)
    add("resp_200_chunked_trailers", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n", True)
    add("resp_pipelined", C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
        "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB", True)
    add("resp_204_then_200", C, "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", True)
    add("resp_204_with_cl", C, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", True)
    add("resp_304_cl", C, "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", True)
    add("resp_head_answer", C, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", True, ["HEAD", "GET"])
    add("resp_head_answer_chunked", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", True, ["HEAD"])
    add("resp_head_answer_noframing", C, "HTTP/1.1 200 OK\r\n\r\n", True, ["HEAD"])
    add("resp_close_delimited", C, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", True)
    add("resp_close_delimited_empty", C, "HTTP/1.1 200 OK\r\n\r\n", True)
    add("resp_http10_cl", C, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", True)
    add("resp_http10_keepalive", C, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"
        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", True)
    add("resp_close_header", C, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi", True)
    add("resp_100_continue", C, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", True)
    add("resp_103_early_hints", C, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        "HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", True)
    add("resp_101", C, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello", True)
    add("resp_connect_200", C, "HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01tls", True, ["CONNECT"])
    add("resp_connect_407", C, "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n\r\nraw",
        True, ["CONNECT"])
    add("resp_empty_reason", C, "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", True)
    add("resp_reason_spaces", C, "HTTP/1.1 404 Not  Found At All\r\nContent-Length: 0\r\n\r\n", True)
    add("resp_empty_input", C, "", True)
    add("resp_chunked_big", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "100\r\n" + "z" * 256 + "\r\n0\r\n\r\n", True)

    # ---- invalid responses -------------------------------------------------
    add("resp_no_reason_no_sp", C, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_cl_te", C, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", False)
    add("resp_dup_cl_diff", C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nhi", False)
    add("resp_dup_cl_same", C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", False)
    add("resp_cl_plus", C, "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi", False)
    add("resp_te_gzip_only", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nrawbytes", False)
    add("resp_te_chunked_identity", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", False)
    add("resp_te_http10", C, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", False)
    add("resp_status_2digit", C, "HTTP/1.1 20 OK\r\n\r\n", False)
    add("resp_status_4digit", C, "HTTP/1.1 2000 OK\r\n\r\n", False)
    add("resp_status_alpha", C, "HTTP/1.1 abc OK\r\n\r\n", False)
    add("resp_status_099", C, "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_status_600", C, "HTTP/1.1 600 High\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_chunk_overflow", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nf0000000000000003\r\nabc\r\n0\r\n\r\n", False)
    add("resp_truncated_cl", C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", False)
    add("resp_truncated_chunked", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False)
    add("resp_truncated_head", C, "HTTP/1.1 200 OK\r\nContent-Len", False)
    add("resp_obs_fold", C, "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_bare_lf", C, "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", False)
    add("resp_nul_in_reason", C, "HTTP/1.1 200 O\x00K\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_body_overrun", C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiextra", False)
    add("resp_204_with_body", C, "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabc", False)
    add("resp_304_chunked", C, "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", False)
    add("resp_101_no_upgrade", C, "HTTP/1.1 101 Switching Protocols\r\n\r\nrest", False)
    add("resp_lowercase_version", C, "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_http2_version", C, "HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_head_then_stray_body", C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", False, ["HEAD"])
    add("resp_1xx_with_cl", C, "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False)
    add("resp_space_before_colon", C, "HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi", False)
    add("resp_leading_crlf", C, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False)

    # ---- found while classifying (README "Classification") -----------------
    # A 2xx answer to CONNECT: the client MUST ignore CL/TE (RFC 9112 §6.3 (2),
    # RFC 9110 §9.3.6), malformed or not.
    add("resp_connect_200_cl_list", C, "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nabcde", False, ["CONNECT"])
    add("resp_connect_200_cl_alpha", C, "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nabcde", False, ["CONNECT"])
    add("resp_connect_200_te_bad", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: ;\r\n\r\nabcde", False, ["CONNECT"])
    add("resp_connect_200_cl_te", C, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nabcde",
        False, ["CONNECT"])
    add("resp_head_answer_cl_alpha", C, "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", False, ["HEAD"])
    add("resp_1xx_then_eof", C, "HTTP/1.1 100 Continue\r\n\r\n", False)
    add("resp_te_chunked_trailing_htab", C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\t\r\n\r\n"
        "2\r\nhi\r\n0\r\n\r\n", True)
    # request-target bytes outside the URI grammar (RFC 9112 §3.2, RFC 3986)
    add("req_target_non_uri_bytes", S, "GET /a\"b<c>{d}|e\\f^g`h HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_absolute_form_bad_authority", S, "GET http://exam\"ple.com/x HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_absolute_form_bad_port", S, "GET http://example.com:8a/ HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_get_host_port_target", S, "GET example.com:443 HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_options_star_suffix", S, "OPTIONS *; HTTP/1.1\r\n" + H + "\r\n", False)
    add("req_connect_no_port", S, "CONNECT example.com HTTP/1.1\r\nHost: example.com\r\n\r\n", False)
    add("req_connect_empty_port", S, "CONNECT example.com: HTTP/1.1\r\nHost: example.com:\r\n\r\n", False)
    add("req_connect_with_cl", S, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
        "Content-Length: 3\r\n\r\nabcdef", False)
    add("req_chunk_ext_bws", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "5 ;a = b\r\nhello\r\n0\t; c\r\n\r\n", True)
    add("req_chunk_ext_empty_name", S, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
        "5;;a\r\nhello\r\n0\r\n\r\n", False)
    add("req_host_invalid", S, "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n", False)
    add("req_host_valid_odd", S, "GET / HTTP/1.1\r\nHost: [::1]:\r\n\r\nGET / HTTP/1.1\r\nHost: a!$&'()*+,;=%41\r\n\r\n", True)
    add("req_connection_invalid", S, "GET / HTTP/1.1\r\n" + H + "Connection: close;x\r\n\r\n", False)
    add("req_cl_ows_htab", S, "POST / HTTP/1.1\r\n" + H + "Content-Length: 2\t\r\n\r\nhi", True)
    add("req_many_leading_crlf", S, "\r\n" * 50 + "GET / HTTP/1.1\r\n" + H + "\r\n", False)
    return out


def probes():
    """(name, role, methods, bytes, chunk): contract checks of our driver only
    (no peers), always run unchunked and with this --chunk. Inputs too big to
    be seeds, or splits the random --chunk-check would never pick."""
    S = "server"
    out = []
    # A server lingering after `Connection: close` discards what follows, up
    # to Config::max_linger_bytes (1 MiB), then closes by itself. The trace
    # must still end in a final event, the same one whatever the split.
    close_req = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    out.append(("probe:linger_over_limit_chunk4096", S, ["GET"], close_req + b"G" * (3 << 20), 4096))
    out.append(("probe:linger_over_limit_chunk65536", S, ["GET"], close_req + b"G" * (3 << 20), 65536))
    out.append(("probe:linger_under_limit_chunk4096", S, ["GET"], close_req + b"G" * (512 << 10), 4096))
    # 400 pipelined requests with bodies, more than max_read_ahead (64 KiB).
    pipe = b"".join(b"POST /%d HTTP/1.1\r\nHost: a\r\nContent-Length: 300\r\n\r\n" % i + b"x" * 300
                    for i in range(400))
    out.append(("probe:pipeline_400_chunk1", S, ["GET"], pipe, 1))
    out.append(("probe:pipeline_400_chunk4093", S, ["GET"], pipe, 4093))
    resp = b"".join(b"HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n" + b"x" * 300 for _ in range(400))
    out.append(("probe:responses_400_chunk7", "client", ["GET"], resp, 7))
    # Upgrade requests refused by the driver's 200, many in a row.
    upg = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n" * 300
    out.append(("probe:refused_upgrades_chunk3", S, ["GET"], upg, 3))
    # A 20 KiB header: the head limit must not depend on the split.
    big = b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    out.append(("probe:header_20k_chunk1", S, ["GET"], big, 1))
    # 1xx flood, then the final response.
    flood = b"HTTP/1.1 100 Continue\r\n\r\n" * 2000 + b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    out.append(("probe:interim_flood_chunk5", "client", ["GET"], flood, 5))
    return out


# --------------------------------------------------------------------------
# Mutations
# --------------------------------------------------------------------------

BOUNDARY = [b"\r", b"\n", b" ", b"\t", b":", b";", b","] + [bytes([c]) for c in b"0123456789"] + [b"a", b'"', b"\x00"]
BOUNDARY_SET = set(b"".join(BOUNDARY))


def mutate(rng, data):
    """One or two single-byte edits with boundary bytes. Returns (bytes, desc)."""
    descs = []
    n_edits = 1 if rng.random() < 0.75 else 2
    for _ in range(n_edits):
        op = rng.choice(("ins", "del", "sub"))
        if not data:
            op = "ins"
        if op == "ins":
            pos = rng.randint(0, len(data))
            ch = rng.choice(BOUNDARY)
            data = data[:pos] + ch + data[pos:]
            descs.append("ins@%d:%s" % (pos, ch.hex()))
            continue
        cands = [i for i, c in enumerate(data) if c in BOUNDARY_SET]
        if cands and rng.random() < 0.8:
            pos = rng.choice(cands)
        else:
            pos = rng.randrange(len(data))
        if op == "del":
            descs.append("del@%d:%02x" % (pos, data[pos]))
            data = data[:pos] + data[pos + 1:]
        else:
            ch = rng.choice(BOUNDARY)
            descs.append("sub@%d:%02x>%s" % (pos, data[pos], ch.hex()))
            data = data[:pos] + ch + data[pos + 1:]
    return data, ",".join(descs)


def corpus_inputs(d):
    """Every file under d is one input. Role from a `server`/`client` path
    component, else guessed (starts with "HTTP/" -> client). Methods for the
    client role from an `@M1,M2` suffix of the file stem, e.g. `x@HEAD.bin`."""
    out = []
    for root, _dirs, files in os.walk(d):
        for fn in sorted(files):
            p = os.path.join(root, fn)
            try:
                with open(p, "rb") as f:
                    data = f.read()
            except OSError as e:
                sys.stderr.write("corpus: cannot read %s: %s\n" % (p, e))
                continue
            parts = os.path.relpath(p, d).split(os.sep)
            role = None
            for comp in parts[:-1]:
                if comp in ("server", "client"):
                    role = comp
            if role is None:
                role = "client" if data.lstrip(b"\r\n").startswith(b"HTTP/") else "server"
            methods = ["GET"]
            m = re.search(r"@([A-Za-z,]+)", os.path.splitext(fn)[0])
            if m:
                methods = [x.upper() for x in m.group(1).split(",") if x] or ["GET"]
            out.append(("corpus:" + os.path.relpath(p, d), role, methods, data, False))
    return out


# --------------------------------------------------------------------------
# Running implementations
# --------------------------------------------------------------------------

class BatchPeer:
    """A persistent adapter process in --batch mode, one JSON line per job."""

    def __init__(self, name, argv):
        self.name, self.argv = name, argv
        self.proc = None
        self.buf = b""
        self.errf = None

    def start(self):
        self.stop()
        self.errf = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errf, cwd=HERE)
        self.buf = b""

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except Exception:
                pass
            try:
                self.proc.wait(timeout=2)
            except Exception:
                self.proc.kill()
                try:
                    self.proc.wait(timeout=2)
                except Exception:
                    pass
            self.proc = None
        if self.errf is not None:
            self.errf.close()
            self.errf = None

    def _stderr_tail(self):
        try:
            self.errf.seek(0)
            return self.errf.read()[-2000:].decode("utf-8", "replace")
        except Exception:
            return ""

    def run(self, role, methods, data, timeout):
        """Returns (status, events, detail); status in ok/timeout/failed."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        job = json.dumps({"hex": data.hex(), "role": role, "methods": methods, "chunk": 0}) + "\n"
        deadline = time.monotonic() + timeout
        try:
            self.proc.stdin.write(job.encode())
            self.proc.stdin.flush()
            fd = self.proc.stdout.fileno()
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                r, _, _ = select.select([fd], [], [], left)
                if not r:
                    raise TimeoutError
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise EOFError
                self.buf += chunk
        except TimeoutError:
            self.proc.kill()
            self.stop()
            return "timeout", None, "no answer within %.1fs" % timeout
        except (EOFError, BrokenPipeError, OSError) as e:
            tail = self._stderr_tail()
            self.proc.kill()
            self.stop()
            return "failed", None, "adapter died (%s): %s" % (type(e).__name__, tail)
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            events = json.loads(line)["events"]
        except Exception as e:
            return "failed", None, "bad adapter output: %s" % e
        for e in events:
            if e.get("event") == "error" and e.get("kind") == "adapter_error":
                return "failed", events, e.get("detail", "")
        return "ok", events, ""


def run_ours(trace, role, methods, data, timeout, chunk=None):
    """Returns dict(status, events, violations, raw)."""
    argv = [trace, "--role", role]
    if role == "client":
        argv += ["--method", ",".join(methods)]
    if chunk:
        argv += ["--chunk", str(chunk)]
    res = {"argv": argv[1:], "status": "ok", "events": [], "violations": [], "stdout": "", "stderr": ""}
    try:
        p = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        res["status"] = "timeout"
        res["violations"].append("timeout after %.1fs (hang?)" % timeout)
        res["stdout"] = (e.stdout or b"")[-4000:].decode("utf-8", "replace")
        return res
    except OSError as e:
        res["status"] = "crash"
        res["violations"].append("cannot run: %s" % e)
        return res
    res["stdout"] = p.stdout[-4000:].decode("utf-8", "replace")
    res["stderr"] = p.stderr[-4000:].decode("utf-8", "replace")
    if p.returncode != 0:
        res["status"] = "crash"
        res["violations"].append("killed by signal %d" % -p.returncode if p.returncode < 0
                                 else "exit status %d" % p.returncode)
    try:
        text = p.stdout.decode("utf-8")
    except UnicodeDecodeError:
        res["status"] = "crash"
        res["violations"].append("stdout is not UTF-8")
        text = p.stdout.decode("utf-8", "replace")
    events = []
    for i, line in enumerate(text.split("\n")):
        if line == "" and i == len(text.split("\n")) - 1:
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            res["status"] = "crash"
            res["violations"].append("line %d is not JSON: %r" % (i + 1, line[:200]))
            continue
        events.append(ev)
    res["events"] = events
    v = validate(events, role)
    if v:
        res["status"] = "crash"
        res["violations"].extend(v)
    return res


HEX_RE = re.compile(r"^(?:[0-9a-fA-F]{2})*$")


def _is_pairs(x):
    return isinstance(x, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in x)


def _latin1(s):
    return isinstance(s, str) and all(ord(c) < 256 for c in s)


def validate(events, role):
    """Contract checks for our driver's event list (trace-protocol.md)."""
    errs = []
    head_kind = "request" if role == "server" else "response"
    in_msg = False      # a head was seen and its end not yet
    final = None
    last_keep_alive = None
    for i, e in enumerate(events):
        where = "event %d" % (i + 1)
        if not isinstance(e, dict) or not isinstance(e.get("event"), str):
            errs.append("%s: not an object with an 'event' string" % where)
            continue
        k = e["event"]
        if final is not None:
            errs.append("%s: %r after final %r" % (where, k, final))
            break
        if k not in ALL_EVENTS:
            errs.append("%s: unknown event %r" % (where, k))
            continue
        if k in ("request", "response"):
            if k != head_kind:
                errs.append("%s: %r event in role %s" % (where, k, role))
            if in_msg:
                errs.append("%s: new head before the previous message ended" % where)
            if last_keep_alive is False:
                errs.append("%s: new head after end with keep_alive=false" % where)
            if k == "request":
                for f in ("method", "target", "version"):
                    if not _latin1(e.get(f)):
                        errs.append("%s: request.%s missing or not a latin-1 string" % (where, f))
                in_msg = True
            else:
                st = e.get("status")
                if not isinstance(st, int) or isinstance(st, bool) or not 0 <= st <= 999:
                    errs.append("%s: response.status not an integer 0..999" % where)
                    st = 200
                for f in ("reason", "version"):
                    if not _latin1(e.get(f)):
                        errs.append("%s: response.%s missing or not a latin-1 string" % (where, f))
                in_msg = not (100 <= st < 200)  # interim: no data/end follows
            if not _is_pairs(e.get("headers")):
                errs.append("%s: headers is not a list of [name, value] string pairs" % where)
        elif k == "data":
            if not in_msg:
                errs.append("%s: data outside a message body" % where)
            if not isinstance(e.get("hex"), str) or not HEX_RE.match(e["hex"]):
                errs.append("%s: data.hex is not hex" % where)
        elif k == "end":
            if not in_msg:
                errs.append("%s: end without a message head" % where)
            if not isinstance(e.get("keep_alive"), bool):
                errs.append("%s: end.keep_alive is not a boolean" % where)
            if not _is_pairs(e.get("trailers")):
                errs.append("%s: end.trailers is not a list of pairs" % where)
            last_keep_alive = e.get("keep_alive")
            in_msg = False
        elif k == "switched":
            if not isinstance(e.get("rest_hex"), str) or not HEX_RE.match(e["rest_hex"]):
                errs.append("%s: switched.rest_hex is not hex" % where)
            final = k
        elif k == "closed":
            if in_msg:
                errs.append("%s: closed in the middle of a message (must be error)" % where)
            final = k
        elif k == "error":
            if not isinstance(e.get("kind"), str) or not re.match(r"^[a-z][a-z0-9_]*$", e.get("kind", "")):
                errs.append("%s: error.kind is not a snake_case string" % where)
            if not isinstance(e.get("detail"), str):
                errs.append("%s: error.detail is not a string" % where)
            final = k
    if final is None and not errs:
        errs.append("output does not end with closed/error/switched (EOF is always signalled)")
    return errs


# --------------------------------------------------------------------------
# Normalisation and comparison
# --------------------------------------------------------------------------

def normalize(events):
    """-> dict with 'msgs' (complete messages), 'partial' (head of a message
    cut by the final event, or None) and 'final' (tuple)."""
    msgs, cur, final = [], None, ("none",)
    for e in events or []:
        if not isinstance(e, dict):
            continue
        k = e.get("event")
        if k == "request":
            cur = {"kind": "request", "head": (e.get("method"), e.get("target"), e.get("version")),
                   "reason": None, "headers": e.get("headers"), "body": "", "end": None, "info": False}
            msgs.append(cur)
        elif k == "response":
            st = e.get("status")
            cur = {"kind": "response", "head": (st, e.get("version")), "reason": e.get("reason"),
                   "headers": e.get("headers"), "body": "", "end": None,
                   "info": isinstance(st, int) and 100 <= st < 200 and st != 101}
            msgs.append(cur)
        elif k == "data" and cur is not None:
            cur["body"] += str(e.get("hex", "")).lower()
        elif k == "end" and cur is not None:
            cur["end"] = (e.get("keep_alive"), e.get("trailers"))
        elif k == "switched":
            final = ("switched", str(e.get("rest_hex", "")).lower())
            break
        elif k == "closed":
            final = ("closed",)
            break
        elif k == "error":
            final = ("error",)
            break
    partial = None
    if msgs and final[0] == "switched":
        # The message that switched: whether an `end` precedes `switched`
        # is not meaningful (CONNECT request vs 101), so drop it.
        msgs[-1]["end"] = ("switch", None)
    elif msgs and not msgs[-1]["info"] and msgs[-1]["end"] is None:
        partial = msgs.pop()
    return {"msgs": msgs, "partial": partial, "final": final}


def _key(n, level):
    def m(x):
        if level == "strict":
            end = x["end"]
            return (x["kind"], x["head"], x["reason"], _tup(x["headers"]), x["body"], _tup(end))
        return (x["kind"], x["head"], x["body"], x["end"][0] if x["end"] else None)
    msgs = tuple(m(x) for x in n["msgs"])
    if level == "strict":
        p = n["partial"]
        part = (p["kind"], p["head"], p["reason"], _tup(p["headers"])) if p else None
        return (msgs, part, n["final"])
    if level == "loose":
        return (msgs, n["final"])
    return (len(n["msgs"]), n["final"][0])  # verdict


def _tup(x):
    if isinstance(x, list):
        return tuple(_tup(y) for y in x)
    if isinstance(x, tuple):
        return tuple(_tup(y) for y in x)
    return x


def compare(a, b):
    """Level of disagreement between two normalised outputs."""
    if _key(a, "strict") == _key(b, "strict"):
        return "agree"
    if _key(a, "loose") == _key(b, "loose"):
        return "detail"
    if _key(a, "verdict") == _key(b, "verdict"):
        return "framing"
    return "verdict"


def summarize_events(n):
    """Short human-readable verdict, e.g. 'GET /,POST /(5B) -> error'."""
    parts = []
    for x in n["msgs"]:
        if x["kind"] == "request":
            h = "%s %s" % (x["head"][0], x["head"][1])
        else:
            h = str(x["head"][0])
        if x["body"]:
            h += "(%dB)" % (len(x["body"]) // 2)
        if x["end"] and x["end"][0] is False:
            h += "[close]"
        parts.append(h)
    if n["partial"]:
        p = n["partial"]
        parts.append("<%s>" % (("%s %s" % (p["head"][0], p["head"][1])) if p["kind"] == "request" else p["head"][0]))
    f = n["final"][0]
    if f == "switched":
        f += "(%dB)" % (len(n["final"][1]) // 2)
    return (",".join(parts) or "-") + " -> " + f


def escape_bytes(b):
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif c == 0x0D:
            out.append("\\r")
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x09:
            out.append("\\t")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


def error_detail(events):
    for e in events or []:
        if isinstance(e, dict) and e.get("event") == "error":
            return "%s: %s" % (e.get("kind"), e.get("detail"))
    return None


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Differential test: h1conn trace driver vs h11 and llhttp")
    ap.add_argument("--trace", default=os.path.join(REPO, "target", "release", "examples", "trace"),
                    help="trace driver binary (default: target/release/examples/trace)")
    ap.add_argument("--report", default=None, help="write JSON report of all disagreements here")
    ap.add_argument("--ci", action="store_true",
                    help="bounded CI run: seeds + contract probes + 300 mutations, --chunk-check 0, "
                         "--max-seconds 90 (each overridable); exit 1 only on our contract violations")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed for mutations (default 1)")
    ap.add_argument("--count", type=int, default=None, help="number of mutated inputs (default 300)")
    ap.add_argument("--max-seconds", type=float, default=None, help="total time budget (default 600; --ci: 90)")
    ap.add_argument("--no-probes", action="store_true", help="skip the contract probes (large/split inputs)")
    ap.add_argument("--timeout", type=float, default=10, help="per-process/per-input timeout (default 10)")
    ap.add_argument("--corpus", action="append", default=[], help="directory of extra inputs (repeatable)")
    ap.add_argument("--no-seeds", action="store_true", help="skip the built-in seed corpus")
    ap.add_argument("--peers", default="h11,llhttp", help="comma list of peers (default h11,llhttp)")
    ap.add_argument("--chunk-check", type=int, default=None, metavar="N",
                    help="also run our driver with --chunk N (0 = random 1..7 per input); "
                         "a different result is a contract violation")
    ap.add_argument("--node", default=shutil.which("node") or "node", help="node binary")
    ap.add_argument("--python", default=sys.executable, help="python for the h11 adapter")
    ap.add_argument("--filter", default=None, help="only inputs whose name matches this regex")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every disagreement as it happens")
    args = ap.parse_args()
    if args.count is None:
        args.count = 300
    if args.max_seconds is None:
        args.max_seconds = 90 if args.ci else 600
    if args.ci and args.chunk_check is None:
        args.chunk_check = 0
    if args.ci:
        print("CI mode: seeds + probes + %d mutations, --chunk-check %d, budget %.0fs"
              % (args.count, args.chunk_check, args.max_seconds))

    t0 = time.monotonic()
    trace = args.trace
    if not (os.path.isfile(trace) and os.access(trace, os.X_OK)):
        sys.stderr.write("run.py: trace driver %r not found or not executable; build it with\n"
                         "  cargo build --release --example trace\nor pass --trace PATH\n" % trace)
        return 2

    # ---- peers ----
    peers = {}
    wanted = [p.strip() for p in args.peers.split(",") if p.strip()]
    for name in wanted:
        if name == "h11":
            try:
                chk = subprocess.run([args.python, "-c", "import h11; print(h11.__version__)"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
                ok = chk.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if not ok:
                print("SKIP peer h11: cannot import h11 with %s (pip install h11)" % args.python)
                continue
            ver = chk.stdout.decode().strip()
            peers["h11"] = (BatchPeer("h11", [args.python, os.path.join(HERE, "h11_trace.py"), "--batch"]),
                            "h11 " + ver)
        elif name == "llhttp":
            try:
                chk = subprocess.run([args.node, "-e", "const {HTTPParser}=require('_http_common');"
                                      "if(!HTTPParser)process.exit(1);console.log(process.version,"
                                      "'llhttp',process.versions.llhttp)"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
                ok = chk.returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                ok = False
            if not ok:
                print("SKIP peer llhttp: node (with _http_common.HTTPParser) not available at %r" % args.node)
                continue
            peers["llhttp"] = (BatchPeer("llhttp", [args.node, os.path.join(HERE, "llhttp_trace.js"), "--batch"]),
                               "node " + chk.stdout.decode().strip())
        else:
            sys.stderr.write("run.py: unknown peer %r\n" % name)
            return 2
    for name, (_p, ver) in peers.items():
        print("peer %-6s %s" % (name, ver))
    if not peers:
        print("WARNING: no peers available; only checking our driver against the contract")

    # ---- inputs ----
    fixed = []
    if not args.no_seeds:
        fixed += [("seed:" + n, r, m, d, v) for (n, r, m, d, v) in seeds()]
    for d in args.corpus:
        if not os.path.isdir(d):
            sys.stderr.write("run.py: --corpus %r is not a directory\n" % d)
            return 2
        fixed += corpus_inputs(d)

    def gen_inputs():
        seen = set()
        for inp in fixed:
            k = (inp[1], tuple(inp[2]), inp[3])
            if k in seen:
                continue
            seen.add(k)
            yield inp, "seed" if inp[0].startswith("seed:") else "corpus"
        valid = [s for s in seeds() if s[4] and s[3]]
        rng = random.Random(args.seed)
        made, tries = 0, 0
        while made < args.count and tries < args.count * 20 and valid:
            tries += 1
            name, role, methods, data, _v = rng.choice(valid)
            mdata, desc = mutate(rng, data)
            k = (role, tuple(methods), mdata)
            if k in seen:
                continue
            seen.add(k)
            made += 1
            yield ("mut:%s:%s" % (name, desc), role, methods, mdata, False), "mutation"

    filt = re.compile(args.filter) if args.filter else None
    crng = random.Random(args.seed ^ 0x5EED)

    stats = {p: {lvl: 0 for lvl in LEVELS + ("timeout", "failed")} for p in peers}
    by_origin = {}
    ours_alone = 0
    peers_disagree = 0
    violations, disagreements, seed_rows = [], [], []
    n_inputs = 0
    budget_hit = False

    n_probes = 0
    try:
        for name, role, methods, data, ck in ([] if args.no_probes else probes()):
            if filt and not filt.search(name):
                continue
            if time.monotonic() - t0 > args.max_seconds:
                budget_hit = True
                break
            n_probes += 1
            tmo = max(1.0, min(args.timeout, args.max_seconds - (time.monotonic() - t0)))
            entry = {"name": name, "origin": "probe", "role": role,
                     "methods": methods if role == "client" else None,
                     "input": escape_bytes(data[:4096]) + ("...(%d bytes)" % len(data) if len(data) > 4096 else ""),
                     "input_hex": data[:4096].hex()}
            o1 = run_ours(trace, role, methods, data, tmo)
            o2 = run_ours(trace, role, methods, data, tmo, chunk=ck)
            vs = ["unchunked: " + v for v in o1["violations"]] + ["--chunk %d: " % ck + v for v in o2["violations"]]
            if not vs and _key(normalize(o1["events"]), "strict") != _key(normalize(o2["events"]), "strict"):
                vs.append("--chunk %d gives %s, unchunked %s" % (
                    ck, summarize_events(normalize(o2["events"])), summarize_events(normalize(o1["events"]))))
            if vs:
                for o in (o1, o2):
                    o["stdout"] = o["stdout"][-1000:]
                violations.append(dict(entry, ours=dict(o2, violations=vs), ours_unchunked=o1))
                print("VIOLATION %s: %s" % (name, "; ".join(vs)[:300]))
        for (name, role, methods, data, _v), origin in gen_inputs():
            if budget_hit:
                break
            if filt and not filt.search(name):
                continue
            if time.monotonic() - t0 > args.max_seconds:
                budget_hit = True
                break
            n_inputs += 1
            by_origin[origin] = by_origin.get(origin, 0) + 1
            tmo = max(1.0, min(args.timeout, args.max_seconds - (time.monotonic() - t0)))
            ours = run_ours(trace, role, methods, data, tmo)
            entry = {"name": name, "origin": origin, "role": role,
                     "methods": methods if role == "client" else None,
                     "input": escape_bytes(data), "input_hex": data.hex()}
            if ours["violations"]:
                violations.append(dict(entry, ours=ours))
                print("VIOLATION %s: %s" % (name, "; ".join(ours["violations"])[:300]))
            n_ours = normalize(ours["events"])
            if args.chunk_check is not None and ours["status"] == "ok":
                ck = args.chunk_check or crng.randint(1, 7)
                o2 = run_ours(trace, role, methods, data, tmo, chunk=ck)
                n2 = normalize(o2["events"])
                if o2["violations"] or _key(n2, "strict") != _key(n_ours, "strict"):
                    vs = o2["violations"] or ["--chunk %d gives %s, unchunked %s" % (
                        ck, summarize_events(n2), summarize_events(n_ours))]
                    if not o2["violations"]:
                        o2["violations"] = vs
                    violations.append(dict(entry, ours=o2, ours_unchunked_events=ours["events"]))
                    print("VIOLATION %s (chunk %d): %s" % (name, ck, "; ".join(vs)[:300]))
            peer_out, levels = {}, {}
            for pname, (peer, _ver) in peers.items():
                st, evs, detail = peer.run(role, methods, data, tmo)
                if st != "ok":
                    stats[pname][st] += 1
                    peer_out[pname] = {"status": st, "detail": detail, "events": evs}
                    continue
                n_p = normalize(evs)
                lvl = compare(n_ours, n_p)
                stats[pname][lvl] += 1
                levels[pname] = lvl
                peer_out[pname] = {"status": "ok", "level": lvl, "summary": summarize_events(n_p),
                                   "error": error_detail(evs), "events": evs, "_norm": n_p}
            alone = False
            if len(levels) >= 2 and all(l != "agree" for l in levels.values()):
                ns = [peer_out[p]["_norm"] for p in levels]
                if all(_key(x, "loose") == _key(ns[0], "loose") for x in ns[1:]) and \
                        all(levels[p] in ("framing", "verdict") for p in levels):
                    alone = True
                    ours_alone += 1
            if len(levels) >= 2:
                ns = [peer_out[p]["_norm"] for p in levels]
                if any(_key(x, "verdict") != _key(ns[0], "verdict") for x in ns[1:]):
                    peers_disagree += 1
            for p in peer_out.values():
                p.pop("_norm", None)
            if origin == "seed":
                seed_rows.append((name[5:], summarize_events(n_ours) if not ours["violations"] else "VIOLATION",
                                  {p: (peer_out[p].get("summary") or peer_out[p]["status"]) for p in peer_out},
                                  {p: levels.get(p, peer_out[p]["status"]) for p in peer_out}))
            if any(l != "agree" for l in levels.values()) or any(p["status"] != "ok" for p in peer_out.values()):
                d = dict(entry)
                d["ours_alone"] = alone
                d["levels"] = {p: levels.get(p, peer_out[p]["status"]) for p in peer_out}
                d["ours"] = {"summary": summarize_events(n_ours), "error": error_detail(ours["events"]),
                             "events": ours["events"], "status": ours["status"]}
                d["peers"] = peer_out
                disagreements.append(d)
                if args.verbose:
                    print("DIFF %-50s ours=%s | %s" % (name[:50], d["ours"]["summary"], " | ".join(
                        "%s[%s]=%s" % (p, d["levels"][p], peer_out[p].get("summary", peer_out[p]["status"]))
                        for p in peer_out)))
    except KeyboardInterrupt:
        print("interrupted; reporting what ran")
    finally:
        for peer, _v in peers.values():
            peer.stop()

    elapsed = time.monotonic() - t0

    # ---- summary ----
    print()
    print("inputs: %d (%s) in %.1fs%s" % (n_inputs, ", ".join("%s %d" % kv for kv in sorted(by_origin.items())),
                                          elapsed, "  [--max-seconds reached]" if budget_hit else ""))
    print("contract probes (ours only, unchunked and split): %d" % n_probes)
    if seed_rows:
        diff_rows = [r for r in seed_rows if any(v != "agree" for v in r[3].values())]
        if diff_rows:
            print()
            print("seed inputs with disagreement (verdict summaries; [level] per peer):")
            w = max(len(r[0]) for r in diff_rows)
            for r in diff_rows:
                print("  %-*s ours: %s" % (w, r[0], r[1]))
                for p in r[2]:
                    print("  %-*s %-6s %s [%s]" % (w, "", p + ":", r[2][p], r[3][p]))
    print()
    hdr = "%-8s" % "peer" + "".join("%9s" % c for c in LEVELS + ("timeout", "failed"))
    print(hdr)
    print("-" * len(hdr))
    for p in peers:
        print("%-8s" % p + "".join("%9d" % stats[p][c] for c in LEVELS + ("timeout", "failed")))
    print()
    print("levels: agree = identical; detail = only header fields/trailers/reason/partial head differ;")
    print("        framing = same message count and final verdict, but body/keep_alive/head/rest differ;")
    print("        verdict = different message count or final event (error vs closed vs switched)")
    if len(peers) >= 2:
        print("ours alone (both peers agree with each other, ours differs in framing/verdict): %d" % ours_alone)
        print("peers disagree with each other on the verdict: %d" % peers_disagree)
    print("contract violations by our driver: %d" % len(violations))
    alone = [d for d in disagreements if d["ours_alone"]]
    if alone:
        print()
        print("ours alone (first %d of %d; full list in the report):" % (min(15, len(alone)), len(alone)))
        for d in alone[:15]:
            p0 = next(iter(d["peers"].values()))
            print("  %-45s ours: %s | peers: %s" % (d["name"][:45], d["ours"]["summary"][:60], p0.get("summary", "")[:60]))
    groups = {}
    for d in disagreements:
        base = d["name"].split(":")[1] if d["origin"] == "mutation" else d["name"]
        k = "%s | %s" % (base, " ".join("%s=%s" % kv for kv in sorted(d["levels"].items())))
        groups[k] = groups.get(k, 0) + 1

    if args.report:
        report = {
            "meta": {"trace": trace, "seed": args.seed, "count": args.count, "inputs": n_inputs,
                     "probes": n_probes, "chunk_check": args.chunk_check, "ci": args.ci,
                     "elapsed_s": round(elapsed, 1), "budget_hit": budget_hit,
                     "peers": {p: v for p, (_x, v) in peers.items()}},
            "summary": {"per_peer": stats, "ours_alone": ours_alone, "peers_disagree": peers_disagree,
                        "violations": len(violations), "by_origin": by_origin},
            "groups": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
            "violations": violations,
            "disagreements": disagreements,
        }
        try:
            d = os.path.dirname(os.path.abspath(args.report))
            os.makedirs(d, exist_ok=True)
            with open(args.report, "w") as f:
                json.dump(report, f, indent=1, ensure_ascii=False)
            print("report: %s (%d disagreements, %d violations)" % (args.report, len(disagreements), len(violations)))
        except OSError as e:
            sys.stderr.write("run.py: cannot write report: %s\n" % e)
    if violations:
        print("FAIL: %d contract violation(s) by our driver (see VIOLATION lines%s)"
              % (len(violations), " and the report" if args.report else ""))
    elif args.ci:
        print("OK: no contract violation by our driver; disagreements are information, not failures")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
