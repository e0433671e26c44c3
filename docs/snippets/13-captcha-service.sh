# Commands of docs/13-captcha-service.md, run against the local mesh by scripts/docs-snippets.py.
# shellcheck shell=bash

snip_curl_captcha_ingress() {
curl -s -F "img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png;type=image/png" http://127.0.0.1:8000/anticaptcha/math
}

snip_curl_captcha_yk122_jpeg() {
curl -s -F "img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.jfif;type=image/jpeg" http://127.0.0.1:8000/anticaptcha/yk122
}

snip_curl_captcha_unknown_profile() {
curl -s -w '\nHTTP %{http_code}\n' -F "img=@captcha-service/src/test/resources/captcha/easy-arithmetic-3x4.png" http://127.0.0.1:8000/anticaptcha/nope
}

snip_curl_captcha_second_look() {
curl -s -F "img=@captcha-service/src/test/resources/captcha/simplecaptcha-grid-92x85.png;type=image/png" http://127.0.0.1:8000/anticaptcha/math
}

snip_curl_captcha_unanswerable() {
curl -s -w '\nHTTP %{http_code}\n' -F "img=@captcha-service/src/test/resources/captcha/blank-white-160x48.png;type=image/png" http://127.0.0.1:8000/anticaptcha/math
}
