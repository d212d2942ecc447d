package siteverifygin_test

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/siteverify/siteverify/bindings-go"
	siteverifygin "github.com/siteverify/siteverify/bindings-go/gin"
)

func Example() {
	client, err := siteverify.New(siteverify.Config{Provider: siteverify.GateKeeper, Secret: "..."})
	if err != nil {
		panic(err)
	}
	r := gin.Default()
	r.POST("/signup", siteverifygin.Middleware(client, siteverify.MiddlewareOptions{}), func(c *gin.Context) {
		outcome, _ := siteverifygin.Outcome(c)
		c.JSON(http.StatusOK, gin.H{"welcome": c.PostForm("name"), "reason": outcome.Reason})
	})
	_ = r.Run("127.0.0.1:8080")
}
