// Renders captchas with two Go libraries (github.com/mojocn/base64Captcha, github.com/steambap/captcha) and
// writes each image with the text it shows, for the trainer's foreign-library generators. Both libraries draw
// from math/rand's global source, so seeding it makes a run repeatable.
//
//go:debug randseednop=0
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/color"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mojocn/base64Captcha"
	"github.com/steambap/captcha"
)

func main() {
	out := flag.String("out", "target/foreign", "folder that gets one subfolder per generator")
	count := flag.Int("n", 4000, "images per generator")
	seed := flag.Int64("seed", 20251127, "seed of every random draw")
	flag.Parse()
	generators := map[string]func(r *rand.Rand) ([]byte, string){
		"base64captcha-math": base64Math,
		"base64captcha-text": base64Text,
		"steambap-math":      steambapMath,
		"steambap-text":      steambapText,
	}
	for _, name := range []string{"base64captcha-math", "base64captcha-text", "steambap-math", "steambap-text"} {
		dir := filepath.Join(*out, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		// each generator gets its own seed, so adding one does not change the others' images
		r := rand.New(rand.NewSource(*seed + int64(len(name))*7919 + int64(name[0])))
		var labels bytes.Buffer
		for i := 0; i < *count; i++ {
			rand.Seed(r.Int63())
			png, label := generators[name](r)
			file := fmt.Sprintf("%05d.png", i)
			if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
				log.Fatal(err)
			}
			fmt.Fprintf(&labels, "%s\t%s\n", file, label)
		}
		if err := os.WriteFile(filepath.Join(dir, "labels.tsv"), labels.Bytes(), 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("%s: %d images in %s", name, *count, dir)
	}
}

// base64Captcha's own line options: hollow, slime and sine lines, in any combination.
func lineOptions(r *rand.Rand) int {
	return r.Intn(16) &^ 1
}

func base64Math(r *rand.Rand) ([]byte, string) {
	width := 160 + r.Intn(121)
	driver := base64Captcha.NewDriverMath(width/3+r.Intn(width/6), width, r.Intn(3)*2, lineOptions(r), nil, nil, nil)
	_, question, _ := driver.GenerateIdQuestionAnswer()
	return base64Item(driver.DrawCaptcha(question)), question
}

func base64Text(r *rand.Rand) ([]byte, string) {
	width := 160 + r.Intn(121)
	length := 4 + r.Intn(3)
	driver := base64Captcha.NewDriverString(width/3+r.Intn(width/6), width, r.Intn(3)*2, lineOptions(r), length,
		base64Captcha.TxtNumbers+base64Captcha.TxtAlphabet, nil, nil, nil)
	_, content, _ := driver.GenerateIdQuestionAnswer()
	return base64Item(driver.DrawCaptcha(content)), content
}

func base64Item(item base64Captcha.Item, err error) []byte {
	if err != nil {
		log.Fatal(err)
	}
	var png bytes.Buffer
	if _, err := item.WriteTo(&png); err != nil {
		log.Fatal(err)
	}
	return png.Bytes()
}

// steambap/captcha draws on a transparent background unless told otherwise, as its README shows.
func steambapOptions(r *rand.Rand, length int) func(*captcha.Options) {
	return func(o *captcha.Options) {
		o.TextLength = length
		o.CurveNumber = 1 + r.Intn(3)
		o.Noise = 0.5 + r.Float64()
		if r.Intn(2) == 0 {
			o.BackgroundColor = color.RGBA{uint8(200 + r.Intn(56)), uint8(200 + r.Intn(56)), uint8(200 + r.Intn(56)), 255}
		}
	}
}

// steambap/captcha spaces the characters by width / length but sizes them by the height, so a tall, narrow image
// pushes the last character off the right edge; these sizes stay near its README's 150 × 50.
func steambapSize(r *rand.Rand, length int) (int, int) {
	width := length*35 + r.Intn(61)
	return width, width * (28 + r.Intn(9)) / 100
}

func steambapMath(r *rand.Rand) ([]byte, string) {
	width, height := steambapSize(r, 4)
	options := steambapOptions(r, 4)
	// NewMathExpr keeps the expression to itself and returns the sum; its first two draws from the global source
	// are the operands, so replaying the same seed tells which expression it drew
	state := r.Int63()
	rand.Seed(state)
	left, right := 1+rand.Intn(9), 1+rand.Intn(9)
	rand.Seed(state)
	data, err := captcha.NewMathExpr(width, height, options)
	if err != nil {
		log.Fatal(err)
	}
	if data.Text != strconv.Itoa(left+right) {
		log.Fatalf("steambap drew %s, not %d+%d", data.Text, left, right)
	}
	return steambapImage(data), fmt.Sprintf("%d+%d", left, right)
}

func steambapText(r *rand.Rand) ([]byte, string) {
	length := 4 + r.Intn(2)
	width, height := steambapSize(r, length)
	data, err := captcha.New(width, height, steambapOptions(r, length))
	if err != nil {
		log.Fatal(err)
	}
	return steambapImage(data), data.Text
}

func steambapImage(data *captcha.Data) []byte {
	var png bytes.Buffer
	if err := data.WriteImage(&png); err != nil {
		log.Fatal(err)
	}
	return png.Bytes()
}
