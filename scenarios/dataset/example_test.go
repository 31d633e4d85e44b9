package dataset_test

import (
	"context"
	"fmt"

	"initscope/scenarios/dataset"
)

func ExampleOpen() {
	src, err := dataset.Open(context.Background(), "tiny", 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.Name(), src.Dim(), src.Classes(), src.ClassNames())

	// A minibatch of 10 from the endless training stream.
	x, y := make([]float32, 10*src.Dim()), make([]int32, 10)
	src.Train().Fill(x, y)

	test, _ := src.Test(context.Background(), 300)
	fmt.Println(test.N, len(test.X))

	_, err = dataset.Open(context.Background(), "mnist", 1)
	fmt.Println(err)
	// Output:
	// tiny 16 4 [+h1 -h1 +h2 -h2]
	// 300 4800
	// dataset "mnist": missing path (write mnist:PATH, e.g. mnist:data/mnist)
}
