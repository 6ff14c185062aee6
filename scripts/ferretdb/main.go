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
//
// FerretDB v1's SQLite backend also never uses an index for the one filter it
// pushes down to SQL: a filter that is exactly {_id: <string|ObjectId>} becomes
// `WHERE _ferretdb_sjson->'$._id' = ?` (metadata.IDColumn, used by Query and
// Explain in internal/backends/sqlite/collection.go), while the unique `_id_`
// index it creates is on `_ferretdb_sjson->"_id"` (indexesCreate in
// metadata/registry.go). SQLite matches expression indexes textually, so the
// two never meet and every findOne/updateOne/deleteOne by _id scans the whole
// table (measured through this proxy at 20k documents: findOne by _id 18.8 ms,
// updateOne by _id 53 ms; with the index below 0.7 ms and 1.2 ms). So this
// process also keeps, on every collection table of every *.sqlite file in the
// data directory, a non-unique index on exactly the pushed-down expression,
// named "_ferretdb_pushdown_id_<table>" (FerretDB names its indexes
// "<table>_<index name>" and keeps the _ferretdb_ prefix for itself, so the
// names do not collide; listIndexes reads FerretDB's metadata, so clients do
// not see this index): once at start before FerretDB opens the files,
// then every 500 ms for files whose size or mtime changed (and at least every
// 10 s regardless), and right after the proxy forwards a create, createIndexes,
// insert, update or findAndModify for a collection not indexed yet, before the
// reply reaches the client. The tables come from each database's
// _ferretdb_collections (columns name, table_name, settings). All SQLite work
// runs with the proxy's gate held, so it never interleaves with a request (no
// race with dropDatabase deleting a file); requests for collections already
// indexed cost a map lookup, no SQLite work. A failed DDL is logged, never
// fatal. A dropped collection drops its index with its table.
package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses, registered as "sqlite"
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

	// Before FerretDB opens the files: nothing else touches them yet.
	ix := newIndexer(*dir)
	var gate sync.Mutex
	ix.scan(&gate)

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

	go func() {
		t := time.NewTicker(scanInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				ix.scan(&gate)
			}
		}
	}()

	log.Printf("ferretdb: listening on %s (serializing proxy to %s), data in %s", *listen, inner, *dir)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				// Out of file descriptors and the like: wait and keep accepting, never stop.
				log.Printf("ferretdb proxy: accept: %v", err)
				time.Sleep(100 * time.Millisecond)
				continue
			}
			go serve(c, inner, &gate, ix)
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

func serve(client net.Conn, inner string, gate *sync.Mutex, ix *indexer) {
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
		if err := roundTrip(req, client, upstream, gate, ix); err != nil {
			log.Printf("ferretdb proxy: %v", err)
			return
		}
	}
}

// roundTrip forwards one request and its replies while holding the gate, so
// no other operation interleaves with it. Before the last reply goes out, it
// lets the indexer index a collection the request may have created.
func roundTrip(req []byte, client, upstream net.Conn, gate *sync.Mutex, ix *indexer) error {
	gate.Lock()
	defer gate.Unlock()
	// Every other connection waits while the gate is held: a client that stops reading its
	// reply, or a request FerretDB never answers, must not hold it for good. The connection
	// is dropped instead (the driver reconnects).
	_ = client.SetWriteDeadline(time.Now().Add(clientWriteTimeout))
	_ = upstream.SetReadDeadline(time.Now().Add(upstreamReplyTimeout))
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
		last := flags(reply)&moreToCome == 0
		if last {
			ix.afterCommand(req)
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

const (
	// How long a client may take to read a reply, and FerretDB to answer one request,
	// while the gate is held.
	clientWriteTimeout   = 30 * time.Second
	upstreamReplyTimeout = 120 * time.Second
)

const (
	scanInterval = 500 * time.Millisecond
	// A file whose size and mtime look unchanged is still re-read this often:
	// mtime is coarse and a WAL rewritten from its start keeps its size. (New
	// collections are normally indexed at once, after the command that made them.)
	recheckInterval = 10 * time.Second
	dbSuffix        = ".sqlite"
	indexPrefix     = "_ferretdb_pushdown_id_"
	// Exactly metadata.IDColumn of FerretDB v1.24.2's SQLite backend.
	pushdownExpr = `_ferretdb_sjson->'$._id'`
)

// Commands after which the collection they name may exist for the first time.
var creatingCommands = map[string]bool{
	"create": true, "createIndexes": true, "insert": true, "update": true, "findAndModify": true,
}

// indexer keeps the pushdown _id index on every collection table. Its methods
// other than newIndexer and scan must be called with the proxy's gate held,
// which also serializes them.
type indexer struct {
	dir   string
	files map[string]*dbFile // by database name
}

type dbFile struct {
	info    os.FileInfo       // of the .sqlite file when last read, to notice a replaced file
	sig     string            // size and mtime of it and its WAL when last read
	checked time.Time         // when last read
	colls   map[string]bool   // collection names whose tables carry the index
	failed  map[string]string // table name -> last error creating its index
	missing map[string]string // collection name -> sig when it was looked for and absent
}

func newIndexer(dir string) *indexer {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return &indexer{dir: dir, files: map[string]*dbFile{}}
}

// scan checks every database file, taking the gate for each one.
func (ix *indexer) scan(gate *sync.Mutex) {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		log.Printf("ferretdb indexer: %v", err)
		return
	}
	present := map[string]bool{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), dbSuffix)
		if !ok || e.IsDir() || name == "" {
			continue
		}
		present[name] = true
		gate.Lock()
		ix.check(name, false)
		gate.Unlock()
	}
	gate.Lock()
	for name := range ix.files {
		if !present[name] {
			delete(ix.files, name)
		}
	}
	gate.Unlock()
}

// afterCommand indexes the collection req names if req is a command that may
// have created it and its table is not known to be indexed yet.
func (ix *indexer) afterCommand(req []byte) {
	cmd, coll, db := commandTarget(req)
	f := ix.files[db]
	switch {
	case db == "":
		return
	case cmd == "dropDatabase":
		delete(ix.files, db)
		return
	case cmd == "drop" && f != nil:
		delete(f.colls, coll)
		return
	case !creatingCommands[cmd] || coll == "":
		return
	}
	if f != nil && f.colls[coll] {
		return
	}
	if f != nil {
		// Looked for it already and nothing changed since: do not re-read the file
		// for every update of a collection that does not exist.
		if sig, ok := f.missing[coll]; ok && sig == fileSig(ix.path(db)) {
			return
		}
	}
	ix.check(db, true)
	if f = ix.files[db]; f != nil && !f.colls[coll] {
		f.missing[coll] = f.sig
	}
}

func (ix *indexer) path(db string) string { return filepath.Join(ix.dir, db+dbSuffix) }

// fileSig describes the database file and its WAL well enough to notice most
// writes; "" when the database file does not exist.
func fileSig(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	sig := fmt.Sprintf("%d/%d", st.Size(), st.ModTime().UnixNano())
	if wal, err := os.Stat(path + "-wal"); err == nil {
		sig += fmt.Sprintf(" %d/%d", wal.Size(), wal.ModTime().UnixNano())
	}
	return sig
}

// check reads database db's collection list (unless its files look unchanged
// since the last read and force is false) and indexes the tables not indexed yet.
func (ix *indexer) check(db string, force bool) {
	path := ix.path(db)
	info, err := os.Stat(path)
	if err != nil {
		delete(ix.files, db)
		return
	}
	f := ix.files[db]
	if f != nil && !os.SameFile(f.info, info) {
		f = nil // dropped and created again
	}
	if f == nil {
		f = &dbFile{
			info: info, colls: map[string]bool{}, failed: map[string]string{}, missing: map[string]string{},
		}
		ix.files[db] = f
	}
	sig := fileSig(path)
	if !force && sig == f.sig && time.Since(f.checked) < recheckInterval {
		return
	}
	if err := ix.index(path, f); err != nil {
		log.Printf("ferretdb indexer: %s: %v", path, err)
	}
	// After our own DDL, so that it does not count as a change.
	f.sig = fileSig(path)
	f.checked = time.Now()
}

func (ix *indexer) index(path string, f *dbFile) error {
	// mode=rw: never create a file FerretDB just deleted. busy_timeout: wait
	// for FerretDB's own writers rather than fail.
	dsn := (&url.URL{
		Scheme:   "file",
		OmitHost: true,
		Path:     path,
		RawQuery: "mode=rw&_pragma=busy_timeout(10000)",
	}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var hasMeta int
	err = db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`,
	).Scan(&hasMeta)
	if err != nil || hasMeta == 0 {
		return err // not (yet) a FerretDB database
	}
	// Whether each table has the index comes from the file itself, not from what
	// this process did before: a database dropped and created again has the same
	// table names (collection name + hash).
	rows, err := db.QueryContext(ctx, `
		SELECT c.name, c.table_name, EXISTS (
			SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = ? || c.table_name
		)
		FROM _ferretdb_collections c`, indexPrefix)
	if err != nil {
		return err
	}
	type table struct {
		coll, name string
		indexed    bool
	}
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.coll, &t.name, &t.indexed); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	clear(f.colls) // dropped collections, renamed ones under their old name
	for _, t := range tables {
		if !t.indexed {
			q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s (%s)`,
				quoteIdent(indexPrefix+t.name), quoteIdent(t.name), pushdownExpr)
			if _, err := db.ExecContext(ctx, q); err != nil {
				// Once per table and error, not every scan.
				if f.failed[t.name] != err.Error() {
					log.Printf("ferretdb indexer: %s: %s: %v", path, q, err)
					f.failed[t.name] = err.Error()
				}
				continue
			}
			delete(f.failed, t.name)
		}
		f.colls[t.coll] = true
		delete(f.missing, t.coll)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// commandTarget returns the command name, the collection it names (when its
// value is a string) and $db of an OP_MSG request; empty strings otherwise.
func commandTarget(msg []byte) (cmd, coll, db string) {
	if len(msg) < 21 || int32(binary.LittleEndian.Uint32(msg[12:16])) != opMsg {
		return "", "", ""
	}
	end := len(msg)
	if binary.LittleEndian.Uint32(msg[16:20])&1 != 0 { // checksumPresent
		end -= 4
	}
	for pos := 20; pos < end; {
		kind := msg[pos]
		pos++
		if pos+4 > end {
			return "", "", ""
		}
		n := int(int32(binary.LittleEndian.Uint32(msg[pos:])))
		if n < 5 || pos+n > end {
			return "", "", ""
		}
		if kind == 0 {
			return bodyTarget(msg[pos : pos+n])
		}
		pos += n // kind 1: a document sequence, whose size counts itself
	}
	return "", "", ""
}

// bodyTarget walks the top-level elements of the command document.
func bodyTarget(doc []byte) (cmd, coll, db string) {
	for i, first := 4, true; i < len(doc)-1; first = false {
		t := doc[i]
		nameEnd := i + 1
		for nameEnd < len(doc) && doc[nameEnd] != 0 {
			nameEnd++
		}
		if nameEnd >= len(doc) {
			return "", "", ""
		}
		name := string(doc[i+1 : nameEnd])
		v := doc[nameEnd+1:]
		size, ok := bsonValueSize(t, v)
		if !ok {
			return "", "", ""
		}
		var str string
		if t == 0x02 && size >= 5 {
			str = string(v[4 : size-1])
		}
		if first {
			cmd, coll = name, str
		} else if name == "$db" {
			db = str
		}
		i = nameEnd + 1 + size
	}
	return cmd, coll, db
}

// bsonValueSize is the encoded size of a value of BSON type t at the start of b.
func bsonValueSize(t byte, b []byte) (int, bool) {
	i32 := func(at int) (int, bool) {
		if at+4 > len(b) {
			return 0, false
		}
		return int(int32(binary.LittleEndian.Uint32(b[at:]))), true
	}
	cstring := func(at int) (int, bool) {
		for j := at; j < len(b); j++ {
			if b[j] == 0 {
				return j + 1 - at, true
			}
		}
		return 0, false
	}
	var n int
	ok := true
	switch t {
	case 0x06, 0x0A, 0x7F, 0xFF: // undefined, null, maxKey, minKey
	case 0x08: // bool
		n = 1
	case 0x10: // int32
		n = 4
	case 0x01, 0x09, 0x11, 0x12: // double, datetime, timestamp, int64
		n = 8
	case 0x07: // ObjectId
		n = 12
	case 0x13: // decimal128
		n = 16
	case 0x02, 0x0D, 0x0E: // string, JavaScript, symbol
		n, ok = i32(0)
		n += 4
	case 0x03, 0x04, 0x0F: // document, array, code with scope
		n, ok = i32(0)
	case 0x05: // binary
		n, ok = i32(0)
		n += 5
	case 0x0C: // DBPointer
		n, ok = i32(0)
		n += 4 + 12
	case 0x0B: // regex
		var a, c int
		if a, ok = cstring(0); ok {
			c, ok = cstring(a)
			n = a + c
		}
	default:
		return 0, false
	}
	if !ok || n < 0 || n > len(b) {
		return 0, false
	}
	return n, true
}
