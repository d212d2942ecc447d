package siteverifyecho_test

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifyecho "github.com/siteverify/siteverify/bindings-go/echo"
)

func Example() {
	client, err := siteverify.New(siteverify.Config{Provider: siteverify.Prosopo, Secret: "..."})
	if err != nil {
		panic(err)
	}
	e := echo.New()
	e.POST("/signup", func(c echo.Context) error {
		outcome, _ := siteverifyecho.Outcome(c)
		return c.JSON(http.StatusOK, map[string]any{"welcome": c.FormValue("name"), "reason": outcome.Reason})
	}, siteverifyecho.Middleware(client, siteverify.MiddlewareOptions{}))
	_ = e.Start("127.0.0.1:8080")
}
