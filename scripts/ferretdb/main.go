// Command ferretdb runs FerretDB v1 with its SQLite backend on a loopback TCP
// port, for development and CI (production runs MongoDB 7).
//
// It embeds the library package instead of building cmd/ferretdb, whose
// `go install` binary panics at start for lack of version.txt (FerretDB #2982).
//
// FerretDB v1's SQLite handler applies an update as "read the document, modify
// it, write it back" without a transaction, so concurrent $inc on one document
// lose increments (seen here: 50 concurrent findOneAndUpdate {$inc:{n:1}} left
// n=10). MongoDB applies single-document updates atomically, and the project
// relies on that. So FerretDB listens on a private port and this process
// fronts it with a proxy that forwards one wire-protocol request at a time
// across all connections: every operation runs alone, which restores
// single-document atomicity at the cost of concurrency (SQLite has one writer
// anyway).
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// OP_MSG flag: the sender expects no reply (request) or more replies follow (reply).
const moreToCome = 1 << 1
const opMsg = 2013

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", ".data/ferretdb", "directory for the SQLite files")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatalf("ferretdb: cannot create %s: %v", *dir, err)
	}

	inner, err := freeLoopbackAddr()
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: inner},
		Handler:   "sqlite",
		SQLiteURL: fmt.Sprintf("file:%s/", *dir),
	})
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("ferretdb: %v", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	log.Printf("ferretdb: listening on %s (serializing proxy to %s), data in %s", *listen, inner, *dir)
	var gate sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c, inner, &gate)
		}
	}()

	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatalf("ferretdb: %v", err)
	}
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// readMessage reads one wire-protocol message: a little-endian int32 length
// that counts itself, then the rest.
func readMessage(r io.Reader) ([]byte, error) {
	var header [4]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(header[:]))
	if n < 16 || n > 64<<20 {
		return nil, fmt.Errorf("bad message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	_, err := io.ReadFull(r, msg[4:])
	return msg, err
}

func flags(msg []byte) uint32 {
	if len(msg) < 20 || int32(binary.LittleEndian.Uint32(msg[12:16])) != opMsg {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[16:20])
}

func serve(client net.Conn, inner string, gate *sync.Mutex) {
	defer client.Close()
	upstream, err := net.Dial("tcp", inner)
	if err != nil {
		log.Printf("ferretdb proxy: %v", err)
		return
	}
	defer upstream.Close()

	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("ferretdb proxy: read request: %v", err)
			}
			return
		}
		if err := roundTrip(req, client, upstream, gate); err != nil {
			log.Printf("ferretdb proxy: %v", err)
			return
		}
	}
}

// roundTrip forwards one request and its replies while holding the gate, so
// no other operation interleaves with it.
func roundTrip(req []byte, client, upstream net.Conn, gate *sync.Mutex) error {
	gate.Lock()
	defer gate.Unlock()
	if _, err := upstream.Write(req); err != nil {
		return err
	}
	if flags(req)&moreToCome != 0 {
		return nil
	}
	for {
		reply, err := readMessage(upstream)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if flags(reply)&moreToCome == 0 {
			return nil
		}
	}
}
