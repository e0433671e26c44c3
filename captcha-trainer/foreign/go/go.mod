module github.com/meshguide/captcha-trainer/foreign

go 1.26.8

require (
	github.com/mojocn/base64Captcha v1.3.8
	github.com/steambap/captcha v1.4.1
)

require (
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0 // indirect
	golang.org/x/image v0.23.0 // indirect
)
